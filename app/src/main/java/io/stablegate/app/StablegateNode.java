package io.stablegate.app;

import com.typesafe.config.Config;
import io.stablegate.engine.chain.ChainStatusBoard;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.engine.invoice.InvoiceService;
import io.stablegate.engine.ledger.WalletLedger;
import io.micrometer.core.instrument.Metrics;
import io.stablegate.app.metrics.NodeMetrics;
import io.stablegate.http.HealthRoutes;
import io.stablegate.http.HttpMetrics;
import io.stablegate.http.HttpServer;
import io.stablegate.persistence.db.Database;
import io.stablegate.persistence.expiry.ExpirySweeper;
import io.stablegate.persistence.projection.InvoiceReadRepository;
import io.stablegate.persistence.projection.ReadSideProjections;
import java.time.Clock;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Stablegate node: the database, the ActorSystem in its cluster, the sharded entities, the
 * read-side projections, the singletons and the HTTP server, started in that order.
 */
public final class StablegateNode {
  private static final Logger log = LoggerFactory.getLogger(StablegateNode.class);

  private StablegateNode() {}

  public static ActorSystem<Void> start(Config config) {
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
          return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
        });
    joinCluster(system);

    Clock clock = Clock.systemUTC();
    InvoiceEntity.init(system, clock);
    WalletLedger.init(system, clock);
    ReadSideProjections.init(system, database.dataSource());
    InvoiceService invoices = new InvoiceService(system);
    ExpirySweeper.init(system, new InvoiceReadRepository(database.dataSource()), invoices, clock);
    ChainStatusBoard chains = ChainStatusBoard.start(system);

    NodeMetrics.bind(system, chains);
    HttpMetrics httpMetrics = new HttpMetrics(Metrics.globalRegistry);

    HttpServer.start(system, httpMetrics.instrument(new HealthRoutes(chains).route()))
        .thenAccept(binding -> health.httpBound(true));
    return system;
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
