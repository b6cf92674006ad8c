package io.stablegate.chain;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.chain.ChainStatus;
import io.stablegate.engine.chain.ChainStatusBoard;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.ledger.TransferRoute;
import io.stablegate.engine.ledger.WalletLedger;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.engine.payment.PaymentMatcher;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.awaitility.Awaitility;

/**
 * The engine on a single-node cluster with Pekko's in-memory journal: invoices, wallet ledgers, the
 * status board and a set of watched wallets the test edits. Watchers are spawned as plain children
 * so a test can stop one and start it again on the same journal.
 */
public final class EngineHarness implements AutoCloseable {
  /**
   * How long tests wait for something that should happen. Waits end as soon as it does; the bound is
   * generous because the shared 2-core machine is at times many times oversubscribed.
   */
  public static final Duration PATIENCE = Duration.ofSeconds(60);

  private final ActorTestKit testKit;
  private final InvoiceService invoices;
  private final PaymentMatcher matcher;
  private final ChainStatusBoard board;
  private final Set<String> wallets = ConcurrentHashMap.newKeySet();

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EngineHarness.class);

  public EngineHarness(Config chainConfig) {
    long started = System.nanoTime();
    Config config = chainConfig
        .withFallback(ConfigFactory.parseString("""
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = 0
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.loglevel = INFO
            # A busy shared machine can take longer than the default 10 s to stop a cluster node;
            # a slow shutdown is not what these tests are about.
            pekko.actor.testkit.typed.system-shutdown-default = 30s
            pekko.actor.testkit.typed.throw-on-shutdown-timeout = off
            stablegate.chain-watcher.min-backoff = 100ms
            stablegate.chain-watcher.max-backoff = 1s
            # Generous: the shared 2-core machine can be slow enough to trip the 5 s default on a cold JVM.
            stablegate.ask-timeout = 30s
            # Snapshots every few events, so that restarts in tests also recover from one.
            stablegate.chain-watcher.snapshot-every = 3
            """))
        .withFallback(PersistenceTestKitPlugin.getInstance().config())
        .withFallback(PersistenceTestKitSnapshotPlugin.getInstance().config())
        .withFallback(ConfigFactory.load())
        .resolve();
    testKit = ActorTestKit.create("watcher-test", config);
    ActorSystem<?> system = testKit.system();
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    Awaitility.await().atMost(PATIENCE)
        .until(() -> cluster.selfMember().status() == MemberStatus.up());
    InvoiceEntity.init(system, Clock.systemUTC());
    WalletLedger.init(system, Clock.systemUTC());
    invoices = new InvoiceService(system);
    matcher = new PaymentMatcher(system);
    board = ChainStatusBoard.start(system);
    log.info("Engine up on a single-node cluster in {} ms", (System.nanoTime() - started) / 1_000_000);
  }

  public ActorSystem<?> system() {
    return testKit.system();
  }

  public InvoiceService invoices() {
    return invoices;
  }

  public PaymentMatcher matcher() {
    return matcher;
  }

  public ChainStatusBoard board() {
    return board;
  }

  public WatchedWallets watchedWallets() {
    return chain -> CompletableFuture.completedFuture(Set.copyOf(wallets));
  }

  public void watch(String address) {
    wallets.add(address);
  }

  public WatcherSettings settings(Chain chain) {
    return WatcherSettings.fromConfig(system().settings().config(), chain);
  }

  public ActorRef<WatcherCommand> startWatcher(WatcherSettings settings) {
    return testKit.spawn(ChainWatchers.behavior(settings, matcher, watchedWallets(), board, Clock.systemUTC()));
  }

  public void stopWatcher(ActorRef<WatcherCommand> watcher) {
    testKit.stop(watcher, PATIENCE);
  }

  /**
   * Erases a stopped watcher's checkpoint (events and snapshots), as if the node had died after the
   * engine took what the watcher found and before the checkpoint was persisted: the next watcher
   * starts again from the start block and hands the same ranges over again.
   */
  public void forgetCheckpoint(Chain chain) {
    String persistenceId = ChainWatcher.persistenceId(chain).id();
    PersistenceTestKit.create(system()).clearByPersistenceId(persistenceId);
    SnapshotTestKit.create(system()).clearByPersistenceId(persistenceId);
  }

  public Checkpoint checkpoint(ActorRef<WatcherCommand> watcher) {
    return await(AskPattern.ask(watcher, WatcherCommand.GetCheckpoint::new, PATIENCE,
        testKit.system().scheduler()));
  }

  /** Waits until the watcher has processed {@code block}. */
  public void awaitScanned(Chain chain, long block) {
    Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
        .until(() -> status(chain).map(s -> s.scanned() >= block).orElse(false));
  }

  public Optional<ChainStatus> status(Chain chain) {
    return Optional.ofNullable(board.current().get(chain));
  }

  public Invoice createInvoice(Chain chain, String address, String amount) {
    return await(createInvoiceAsync(chain, address, new BigDecimal(amount)));
  }

  public java.util.concurrent.CompletionStage<Invoice> createInvoiceAsync(Chain chain, String address,
      BigDecimal amount) {
    return invoices.create(new InvoiceService.NewInvoice(UUID.randomUUID(), new InvoiceTerms(UUID.randomUUID(),
        chain, address, amount, null, null, "{}", Instant.now().plus(Duration.ofMinutes(30)))));
  }

  public Invoice invoice(UUID id) {
    return await(invoices.get(id));
  }

  /** What the wallet ledger answers for a transfer it has routed before (it never changes its mind). */
  public TransferRoute route(Transfer transfer) {
    return await(matcher.routeAll(List.of(transfer))).get(0);
  }

  public static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    testKit.shutdownTestKit();
  }
}
