package io.stablegate.app;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.Metrics;
import io.stablegate.app.metrics.NodeMetrics;
import io.stablegate.chain.ChainWatchers;
import io.stablegate.chain.WatchedWallets;
import io.stablegate.chain.WatcherCommand;
import io.stablegate.engine.chain.ChainStatusBoard;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.engine.ledger.WalletLedger;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.engine.payment.PaymentMatcher;
import io.stablegate.engine.payment.WebhookDeliveryActor;
import io.stablegate.engine.payment.WebhookService;
import io.stablegate.engine.rates.RateSource;
import io.stablegate.engine.webhook.WebhookDispatch;
import io.stablegate.engine.webhook.WebhookPinger;
import io.stablegate.http.HttpMetrics;
import io.stablegate.http.HttpServer;
import io.stablegate.http.rates.RateSources;
import io.stablegate.http.StablegateApi;
import io.stablegate.http.pages.PageRoutes;
import io.stablegate.http.security.ProductionGuard;
import io.stablegate.http.webhooks.WebhookDeliveryRoutes;
import io.stablegate.http.webhooks.WebhookTestRoutes;
import io.stablegate.persistence.db.Database;
import io.stablegate.persistence.expiry.ExpirySweeper;
import io.stablegate.persistence.merchant.MerchantChanges;
import io.stablegate.persistence.projection.InvoiceReadRepository;
import io.stablegate.persistence.projection.ReadSideProjections;
import io.stablegate.persistence.webhook.WebhookDeliveryRepository;
import io.stablegate.persistence.webhook.WebhookDeliverySweeper;
import io.stablegate.persistence.webhook.WebhookReadSide;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * One Stablegate node: the database, the ActorSystem in its cluster, the sharded entities, the
 * read-side projections, the singletons (chain watchers, sweepers), the exchange-rate source and the
 * HTTP server, started in that order. Every node runs the same code; the cluster decides where entities and singletons live.
 */
public final class StablegateNode {
  private static final Logger log = LoggerFactory.getLogger(StablegateNode.class);

  private StablegateNode() {}

  public static ActorSystem<Void> start(Config config) {
    ProductionGuard.check(config);
    Database database = Database.start(config);
    Config nodeConfig = NodeConfig.seedNodes(config)
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

    Clock clock = Clock.systemUTC();
    ExecutionContextExecutor blocking =
        system.dispatchers().lookup(DispatcherSelector.fromConfig("stablegate-blocking-dispatcher"));
    InvoiceService invoices = new InvoiceService(system);
    ChainStatusBoard chains = ChainStatusBoard.start(system);
    RateSource rates = RateSources.start(system, blocking, clock);
    StablegateApi api = StablegateApi.create(system, database.dataSource(), invoices, chains, rates);

    // the entities, and what feeds and wakes them
    WebhookDispatch webhooks = WebhookDispatch.create(system, api.webhookEndpoints());
    InvoiceEntity.init(system, clock, Optional.of(WebhookDeliveryActor.courier(webhooks)));
    WalletLedger.init(system, clock);
    ReadSideProjections.init(system, database.dataSource());
    WebhookReadSide.init(system, database.dataSource());
    ExpirySweeper.init(system, new InvoiceReadRepository(database.dataSource()), invoices, clock);
    WebhookService webhookService = new WebhookService(system);
    WebhookDeliveryRepository deliveries = new WebhookDeliveryRepository(database.dataSource());
    WebhookDeliverySweeper.init(system, deliveries, webhookService, clock);
    startChainWatchers(system, api, chains, blocking);

    NodeMetrics.bind(system, chains, rates);
    HttpMetrics httpMetrics = new HttpMetrics(Metrics.globalRegistry);
    PageRoutes pages = new PageRoutes(invoices, system.settings().config());
    HttpServer.start(system, httpMetrics.instrument(api.route(
            new WebhookDeliveryRoutes(api.authentication(), deliveries, webhookService, blocking).route(),
            new WebhookTestRoutes(api.authentication(), new WebhookPinger(webhooks)).route(),
            pages.route())))
        .thenAccept(binding -> health.httpBound(true));
    return system;
  }

  /** One watcher per enabled chain; a wallet change anywhere in the cluster makes it re-read the wallets. */
  private static void startChainWatchers(ActorSystem<?> system, StablegateApi api, ChainStatusBoard chains,
      Executor blocking) {
    WatchedWallets wallets = chain -> CompletableFuture.supplyAsync(() -> {
      try {
        return api.wallets().canonicalAddresses(chain);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking);
    Map<Chain, ActorRef<WatcherCommand>> watchers =
        ChainWatchers.start(system, new PaymentMatcher(system), wallets, chains);
    api.changes().subscribe(notice -> {
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
}
