package io.stablegate.persistence.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.engine.ledger.WalletLedger;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.engine.payment.WebhookDeliveryActor;
import io.stablegate.engine.payment.WebhookService;
import io.stablegate.engine.webhook.WebhookDispatch;
import io.stablegate.engine.webhook.WebhookEndpoints;
import io.stablegate.persistence.db.Database;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.expiry.ExpirySweeper;
import io.stablegate.persistence.projection.InvoiceReadRepository;
import io.stablegate.persistence.projection.ReadSideProjections;
import io.stablegate.persistence.webhook.WebhookDeliveryRepository;
import io.stablegate.persistence.webhook.WebhookDeliverySweeper;
import io.stablegate.persistence.webhook.WebhookReadSide;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.awaitility.Awaitility;

/**
 * A one-node cluster on a real database, with the entities, projections and expiry sweeper running:
 * the engine as a node runs it, minus HTTP and chain watchers. Close it to stop the ActorSystem (the
 * database stays, so another TestNode can recover from it).
 */
public final class TestNode implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final Database database;
  private final InvoiceService invoices;
  private final WebhookService webhooks;
  private final WebhookDeliveryRepository deliveries;
  private final Optional<WebhookDispatch> dispatch;

  /**
   * A node on {@code coordinates}; with {@code webhookEndpoints}, webhook delivery is wired in as
   * {@code StablegateNode} wires it (dispatch, the deliveries read side and the delivery sweeper).
   */
  private TestNode(DbCoordinates coordinates, Optional<WebhookEndpoints> webhookEndpoints, Config extra) {
    this.database = Database.connect(coordinates, 5);
    Config config = extra
        .withFallback(database.pekkoConfig())
        .withFallback(ConfigFactory.parseString("""
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = 0
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.coordinated-shutdown.exit-jvm = off
            pekko.loglevel = INFO
            pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
            pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
            stablegate.expiry.sweep-interval = 200ms
            stablegate.webhook.sweep-interval = 200ms
            stablegate.webhook.restart-backoff.min = 50ms
            stablegate.webhook.restart-backoff.max = 200ms
            # a shared 2-core machine can be slow; a test waits rather than fails
            stablegate.ask-timeout = 30s
            """))
        .withFallback(ConfigFactory.load())
        .resolve();
    this.system = ActorSystem.create(Behaviors.empty(), "stablegate", config);
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> cluster.selfMember().status() == MemberStatus.up());
    Clock clock = Clock.systemUTC();
    this.dispatch = webhookEndpoints.map(endpoints -> WebhookDispatch.create(system, endpoints));
    InvoiceEntity.init(system, clock, dispatch.map(WebhookDeliveryActor::courier));
    WalletLedger.init(system, clock);
    ReadSideProjections.init(system, database.dataSource());
    this.invoices = new InvoiceService(system);
    this.webhooks = new WebhookService(system);
    this.deliveries = new WebhookDeliveryRepository(database.dataSource());
    ExpirySweeper.init(system, new InvoiceReadRepository(database.dataSource()), invoices, clock);
    if (dispatch.isPresent()) {
      WebhookReadSide.init(system, database.dataSource());
      WebhookDeliverySweeper.init(system, deliveries, webhooks, clock);
    }
  }

  public TestNode(DbCoordinates coordinates, Config extra) {
    this(coordinates, Optional.empty(), extra);
  }

  public TestNode(DbCoordinates coordinates) {
    this(coordinates, ConfigFactory.empty());
  }

  /** A node that delivers webhooks to {@code endpoints}. */
  public TestNode(DbCoordinates coordinates, WebhookEndpoints endpoints, Config extra) {
    this(coordinates, Optional.of(endpoints), extra);
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Database database() {
    return database;
  }

  public InvoiceService invoices() {
    return invoices;
  }

  public WebhookService webhooks() {
    return webhooks;
  }

  public WebhookDeliveryRepository deliveries() {
    return deliveries;
  }

  /** The webhook dispatch; only on a node made with webhook endpoints. */
  public WebhookDispatch dispatch() {
    return dispatch.orElseThrow(() -> new IllegalStateException("this TestNode delivers no webhooks"));
  }

  @Override
  public void close() {
    system.terminate();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> system.getWhenTerminated().toCompletableFuture().isDone());
    database.close();
  }
}
