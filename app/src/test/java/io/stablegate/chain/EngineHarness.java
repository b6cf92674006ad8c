package io.stablegate.chain;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.chain.ChainStatus;
import io.stablegate.engine.chain.ChainStatusBoard;
import io.stablegate.engine.chain.EvmAddress;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TronAddress;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.engine.payment.PaymentMatcher;
import io.stablegate.engine.ledger.TransferRoute;
import io.stablegate.engine.ledger.WalletLedger;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import io.stablegate.persistence.merchant.MerchantChanges;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.awaitility.Awaitility;

/**
 * A whole node ({@link TestNode}, through the composition root) on a fresh database, with the chain
 * watcher under test spawned beside it: the node's own watchers are off (no chain is enabled unless
 * the test's config enables one), and a test starts, stops and restarts the watcher of its chain on
 * the node's matcher, status board and journal, watching the wallets the test names.
 */
public final class EngineHarness implements AutoCloseable {
  /**
   * How long tests wait for something that should happen. Waits end as soon as it does; the bound is
   * generous because the shared 2-core machine is at times many times oversubscribed.
   */
  public static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final AtomicInteger WATCHERS = new AtomicInteger();

  private final TestNode node;
  private final Set<String> wallets = ConcurrentHashMap.newKeySet();

  public EngineHarness(Config chainConfig) {
    node = new TestNode(TestDatabase.fresh(), chainConfig.withFallback(ConfigFactory.parseString("""
        stablegate.chain-watcher.min-backoff = 100ms
        stablegate.chain-watcher.max-backoff = 1s
        # Snapshots every few events, so that restarts in tests also recover from one.
        stablegate.chain-watcher.snapshot-every = 3
        """)));
  }

  public ActorSystem<?> system() {
    return node.system();
  }

  public InvoiceService invoices() {
    return node.invoices();
  }

  public PaymentMatcher matcher() {
    return node.matcher();
  }

  public ChainStatusBoard board() {
    return node.node().chains();
  }

  public WatchedWallets watchedWallets() {
    return chain -> CompletableFuture.completedFuture(Set.copyOf(wallets));
  }

  public void watch(String address) {
    wallets.add(address);
  }

  /**
   * Stores {@code address} as a new merchant's wallet on {@code chain} and announces it, as sign-up and
   * {@code PUT /api/v1/wallets} do: the node's own watcher of that chain (if enabled) then watches it.
   */
  public void registerWallet(Chain chain, String address) {
    UUID merchant = UUID.randomUUID();
    try {
      node.repositories().merchants().create(merchant, merchant + "@merchant.test", "-", "test-" + merchant,
          Instant.now());
      String canonical = chain.isEvm() ? EvmAddress.parse(address).value() : TronAddress.parse(address).value();
      node.repositories().wallets().set(merchant, chain, canonical, "test");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    node.node().changes().publish(new MerchantChanges.WalletsChanged(chain));
  }

  public WatcherSettings settings(Chain chain) {
    return WatcherSettings.fromConfig(system().settings().config(), chain);
  }

  /** The watcher of {@code settings.chain()}, as the node's singleton runs it, on the test's wallets. */
  public ActorRef<WatcherCommand> startWatcher(WatcherSettings settings) {
    return system().systemActorOf(ChainWatchers.behavior(settings, matcher(), watchedWallets(), board(),
        Clock.systemUTC()), "test-watcher-" + WATCHERS.incrementAndGet(), Props.empty());
  }

  /** Stops the watcher as a singleton hand-over does, and waits until it has. */
  public void stopWatcher(ActorRef<WatcherCommand> watcher) {
    TestProbe<Object> probe = TestProbe.create(system());
    watcher.tell(WatcherCommand.Stop.INSTANCE);
    probe.expectTerminated(watcher, PATIENCE);
  }

  /**
   * Erases a stopped watcher's checkpoint (events and snapshots), as if the node had died after the
   * engine took what the watcher found and before the checkpoint was persisted: the next watcher
   * starts again from the start block and hands the same ranges over again.
   */
  public void forgetCheckpoint(Chain chain) {
    String persistenceId = ChainWatcher.persistenceId(chain).id();
    try (Connection c = node.database().dataSource().getConnection()) {
      for (String table : new String[] {"event_journal", "snapshot"}) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE persistence_id = ?")) {
          ps.setString(1, persistenceId);
          ps.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The watcher's checkpoint as its journal holds it: the persisted events folded as recovery folds
   * them ({@link Checkpoint#apply}).
   */
  public Checkpoint checkpoint(Chain chain) {
    int hashHistory = settings(chain).hashHistory();
    JdbcReadJournal journal = PersistenceQuery.get(system().classicSystem())
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return await(journal.currentEventsByPersistenceId(ChainWatcher.persistenceId(chain).id(), 0, Long.MAX_VALUE)
        .runWith(Sink.fold(Checkpoint.empty(), (checkpoint, envelope) ->
            checkpoint.apply((WatcherEvent) envelope.event(), hashHistory)), system()));
  }

  /** Waits until the watcher has processed {@code block}. */
  public void awaitScanned(Chain chain, long block) {
    Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
        .until(() -> status(chain).map(s -> s.scanned() >= block).orElse(false));
  }

  public Optional<ChainStatus> status(Chain chain) {
    return Optional.ofNullable(board().current().get(chain));
  }

  public Invoice createInvoice(Chain chain, String address, String amount) {
    return await(createInvoiceAsync(chain, address, new BigDecimal(amount)));
  }

  /** An invoice in {@code token}. */
  public Invoice createInvoice(Chain chain, Token token, String address, String amount) {
    return await(invoices().create(new InvoiceService.NewInvoice(UUID.randomUUID(), new InvoiceTerms(UUID.randomUUID(),
        chain, address, new BigDecimal(amount), null, null, "{}", Instant.now().plus(Duration.ofMinutes(30)), null,
        null, token))));
  }

  public CompletionStage<Invoice> createInvoiceAsync(Chain chain, String address, BigDecimal amount) {
    return invoices().create(new InvoiceService.NewInvoice(UUID.randomUUID(), new InvoiceTerms(UUID.randomUUID(),
        chain, address, amount, null, null, "{}", Instant.now().plus(Duration.ofMinutes(30)))));
  }

  public Invoice invoice(UUID id) {
    return await(invoices().get(id));
  }

  /** What the wallet ledger answers for a transfer it has routed before (it never changes its mind). */
  public TransferRoute route(Transfer transfer) {
    return await(matcher().routeAll(List.of(transfer))).get(0);
  }

  public static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    node.close();
  }
}
