package io.stablegate.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.Metrics;
import io.stablegate.app.metrics.NodeMetrics;
import io.stablegate.chain.ChainTransactionLookup;
import io.stablegate.chain.ChainWatchers;
import io.stablegate.chain.WatchedWallets;
import io.stablegate.chain.WatcherCommand;
import io.stablegate.chain.WatcherSettings;
import io.stablegate.engine.chain.ChainStatusBoard;
import io.stablegate.engine.claims.PayerClaims;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.engine.invoice.WebhookRetrySettings;
import io.stablegate.engine.ledger.WalletLedger;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.engine.payment.PaymentMatcher;
import io.stablegate.engine.payment.PaymentSimulator;
import io.stablegate.engine.payment.UnmatchedTransferCourierActor;
import io.stablegate.engine.payment.UnmatchedTransferService;
import io.stablegate.engine.payment.WebhookDeliveryActor;
import io.stablegate.engine.payment.WebhookService;
import io.stablegate.engine.rates.RateSource;
import io.stablegate.engine.webhook.WebhookDispatch;
import io.stablegate.engine.webhook.WebhookPinger;
import io.stablegate.http.ApiSettings;
import io.stablegate.http.HttpMetrics;
import io.stablegate.http.HttpServer;
import io.stablegate.http.rates.RateSources;
import io.stablegate.http.StablegateApi;
import io.stablegate.http.security.NodeKeys;
import io.stablegate.http.security.ProductionGuard;
import io.stablegate.persistence.BlockingDispatcher;
import io.stablegate.persistence.Repositories;
import io.stablegate.persistence.sweep.LedgerWorkSweeper;
import io.stablegate.persistence.db.Database;
import io.stablegate.persistence.db.DatabaseSettings;
import io.stablegate.persistence.expiry.ExpirySweeper;
import io.stablegate.persistence.merchant.JdbcWebhookEndpoints;
import io.stablegate.persistence.merchant.MerchantChanges;
import io.stablegate.persistence.merchant.NodeSecrets;
import io.stablegate.persistence.projection.ReadSideProjections;
import io.stablegate.persistence.webhook.WebhookDeliverySweeper;
import io.stablegate.persistence.webhook.WebhookReadSide;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the one place that wires a Stablegate node. {@code stablegate serve}, every
 * integration test and every benchmark start a node through {@link #start(NodeOptions)}; what differs
 * between them (clock, ports, the database, settings) comes in as {@link NodeOptions}.
 *
 * <p>In order: the database, the ActorSystem in its cluster, the repositories and the node's keys,
 * the sharded entities (with webhook delivery), the read-side projections, the singletons (sweepers,
 * chain watchers) and the HTTP server. Every node runs the same code; the cluster decides where
 * entities and singletons live. The returned handle exposes the parts tests look at.
 */
public final class StablegateNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StablegateNode.class);
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(60);

  private final ActorSystem<Void> system;
  private final Database database;
  private final Repositories repositories;
  private final InvoiceService invoices;
  private final PaymentMatcher matcher;
  private final WebhookService webhooks;
  private final ChainStatusBoard chains;
  private final MerchantChanges changes;
  private final ServerBinding binding;

  private StablegateNode(ActorSystem<Void> system, Database database, Repositories repositories,
      InvoiceService invoices, PaymentMatcher matcher, WebhookService webhooks, ChainStatusBoard chains,
      MerchantChanges changes, ServerBinding binding) {
    this.system = system;
    this.database = database;
    this.repositories = repositories;
    this.invoices = invoices;
    this.matcher = matcher;
    this.webhooks = webhooks;
    this.chains = chains;
    this.changes = changes;
    this.binding = binding;
  }

  /** Starts a node and returns once its HTTP port is bound. */
  public static StablegateNode start(NodeOptions options) {
    Config config = ClusterTls.configure(options.overrides().withFallback(ConfigFactory.load()).resolve());
    ProductionGuard.check(config);
    Database database = options.database()
        .map(coordinates -> Database.connect(coordinates, DatabaseSettings.fromConfig(config).poolSize()))
        .orElseGet(() -> Database.start(config));
    // the caller's overrides win even over the database's journal settings (a test may swap the journal)
    Config nodeConfig = options.overrides()
        .withFallback(NodeConfig.seedNodes(config))
        .withFallback(database.pekkoConfig())
        .withFallback(config)
        .resolve();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "stablegate", nodeConfig);
    NodeHealth health = NodeHealth.get(system);
    health.database(database);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-database",
        () -> {
          database.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    joinCluster(system);

    // the parts every other part is handed: repositories, keys, the blocking dispatcher, the topics
    Executor blocking = BlockingDispatcher.lookup(system);
    NodeKeys keys = nodeKeys(nodeConfig, database);
    Repositories repositories = Repositories.create(database.dataSource(), keys.cipher(), options.clock());
    MerchantChanges changes = MerchantChanges.start(system);
    ChainStatusBoard chains = ChainStatusBoard.start(system);
    InvoiceService invoices = new InvoiceService(system);
    PaymentMatcher matcher = new PaymentMatcher(system);
    WebhookService webhookService = new WebhookService(system);

    // the entities, and what feeds and wakes them
    WebhookDispatch webhooks = WebhookDispatch.create(system,
        new JdbcWebhookEndpoints(repositories.webhookSettings(), repositories.wallets(),
            repositories.webhookEndpoints(), blocking));
    UnmatchedTransferService unmatched = new UnmatchedTransferService(system);
    InvoiceEntity.init(system, options.clock(), WebhookDeliveryActor.courier(webhooks));
    // A ledger delivers its transfer.unmatched events as invoices deliver theirs, and completes
    // attaches that a crash interrupted (docs/payment-resolution.md).
    WalletLedger.init(system, options.clock(), Optional.of(UnmatchedTransferCourierActor.courier(webhooks,
            WebhookRetrySettings.fromConfig(system.settings().config()))),
        Optional.of(unmatched), Optional.of(new UnmatchedTransferService(system, false)));
    ReadSideProjections.init(system, database.dataSource());
    WebhookReadSide.init(system, database.dataSource());
    ExpirySweeper.init(system, repositories.invoiceReads(), invoices, options.clock());
    WebhookDeliverySweeper.init(system, repositories.webhookDeliveries(), webhookService, options.clock());
    LedgerWorkSweeper.init(system, repositories.unmatchedTransfers(), options.clock());
    startChainWatchers(system, matcher, repositories, changes, chains, blocking);

    RateSource rates = RateSources.start(system, blocking, options.clock());
    NodeMetrics.bind(system, chains, rates);
    StablegateApi api = new StablegateApi(system, repositories, keys, changes, blocking, invoices, unmatched,
        payerClaims(system, options.clock()), new PaymentSimulator(system, invoices, options.clock()), chains,
        webhookService, new WebhookPinger(webhooks), rates, options.clock());
    ServerBinding binding;
    try {
      binding = HttpServer.start(system, new HttpMetrics(Metrics.globalRegistry).instrument(api.route()))
          .toCompletableFuture().get(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("the node could not bind its HTTP port", e);
    }
    health.httpBound(true);
    return new StablegateNode(system, database, repositories, invoices, matcher, webhookService, chains, changes,
        binding);
  }

  /** The JWT key and the master key: from the settings, or (in development) kept in the database. */
  private static NodeKeys nodeKeys(Config config, Database database) {
    try {
      return NodeKeys.resolve(ApiSettings.fromConfig(config), new NodeSecrets(database.dataSource()));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the node's secrets from the database", e);
    }
  }

  /** Payers' claims read transactions through this node's own endpoint pools of the enabled chains. */
  private static PayerClaims payerClaims(ActorSystem<?> system, Clock clock) {
    Executor chainCalls = system.dispatchers().lookup(DispatcherSelector.fromConfig(WatcherSettings.BLOCKING_DISPATCHER));
    ChainTransactionLookup lookup = ChainTransactionLookup.create(system.settings().config(), chainCalls, clock);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "close-claim-lookups", () -> {
          lookup.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    return new PayerClaims(system, lookup);
  }

  /** One watcher per enabled chain; a wallet change anywhere in the cluster makes it re-read the wallets. */
  private static void startChainWatchers(ActorSystem<?> system, PaymentMatcher matcher, Repositories repositories,
      MerchantChanges changes, ChainStatusBoard chains, Executor blocking) {
    WatchedWallets wallets = chain -> CompletableFuture.supplyAsync(() -> {
      try {
        return repositories.wallets().canonicalAddresses(chain);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking);
    Map<Chain, ActorRef<WatcherCommand>> watchers = ChainWatchers.start(system, matcher, wallets, chains);
    changes.subscribe(notice -> {
      if (notice instanceof MerchantChanges.WalletsChanged changed && watchers.containsKey(changed.chain())) {
        watchers.get(changed.chain()).tell(WatcherCommand.RefreshWallets.INSTANCE);
      }
    });
  }

  private static void joinCluster(ActorSystem<?> system) {
    Config config = system.settings().config();
    PekkoManagement.get(system).start();
    if (config.getBoolean("stablegate.cluster.bootstrap")) {
      log.info("Joining the cluster through Pekko Management cluster bootstrap");
      ClusterBootstrap.get(system).start();
    } else if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      Cluster cluster = Cluster.get(system);
      log.info("No seed nodes configured: forming a single-node cluster at {}", cluster.selfMember().address());
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    } else {
      log.info("Joining the cluster through seed nodes {}", config.getStringList("pekko.cluster.seed-nodes"));
    }
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** The port the HTTP server is bound to (useful when the settings asked for port 0). */
  public int httpPort() {
    return binding.localAddress().getPort();
  }

  public Database database() {
    return database;
  }

  public Repositories repositories() {
    return repositories;
  }

  public InvoiceService invoices() {
    return invoices;
  }

  public PaymentMatcher matcher() {
    return matcher;
  }

  public WebhookService webhooks() {
    return webhooks;
  }

  public ChainStatusBoard chains() {
    return chains;
  }

  public MerchantChanges changes() {
    return changes;
  }

  /** Stops the node as {@code SIGTERM} would (coordinated shutdown, the database last) and waits for it. */
  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
  }
}
