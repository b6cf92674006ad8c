package io.stablegate.http.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.chain.ChainStatusBoard;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.engine.ledger.WalletLedger;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.engine.rates.FixedRates;
import io.stablegate.engine.rates.RateSource;
import io.stablegate.engine.rates.RatesSettings;
import io.stablegate.http.HttpServer;
import io.stablegate.http.StablegateApi;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.persistence.db.Database;
import io.stablegate.persistence.expiry.ExpirySweeper;
import io.stablegate.persistence.projection.InvoiceReadRepository;
import io.stablegate.persistence.projection.ReadSideProjections;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.webhook.WebhookReadSide;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.awaitility.Awaitility;

/**
 * A node as {@code StablegateNode} boots it (entities, all read-side projections, expiry sweeper, the API), on a
 * fresh embedded database, with a read-side pool as large as a production node would be given
 * ({@code STABLEGATE_DB_POOL_SIZE}); the test node's pool of 5 is sized for tests, not load.
 */
final class BenchNode implements AutoCloseable {
  private final Database database;
  private final ActorSystem<Void> system;
  private final ServerBinding binding;

  BenchNode(int poolSize) throws Exception {
    this.database = Database.connect(TestDatabase.fresh(), poolSize);
    Config config = ConfigFactory.parseString("""
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = 0
            pekko.coordinated-shutdown.exit-jvm = off
            pekko.loglevel = WARNING
            pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
            pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
            """)
        .withFallback(ApiTestServer.TEST_DEFAULTS)
        .withFallback(database.pekkoConfig())
        .withFallback(ConfigFactory.load())
        .resolve();
    this.system = ActorSystem.create(Behaviors.empty(), "stablegate", config);
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> cluster.selfMember().status() == MemberStatus.up());
    Clock clock = Clock.systemUTC();
    InvoiceEntity.init(system, clock);
    WalletLedger.init(system, clock);
    ReadSideProjections.init(system, database.dataSource());
    WebhookReadSide.init(system, database.dataSource());
    InvoiceService invoices = new InvoiceService(system);
    ExpirySweeper.init(system, new InvoiceReadRepository(database.dataSource()), invoices, clock);
    // no network in a benchmark: a fixed rate source that is never refreshed (amount invoices only)
    RateSource rates = new RateSource(new FixedRates(Map.of()), RatesSettings.fromConfig(config), clock);
    StablegateApi api = StablegateApi.create(system, database.dataSource(), invoices, ChainStatusBoard.start(system),
        rates);
    this.binding = HttpServer.start(system, api.route()).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  DataSource dataSource() {
    return database.dataSource();
  }

  ApiClient client() {
    return ApiClient.forBaseUrl(baseUrl());
  }

  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    database.close();
  }
}
