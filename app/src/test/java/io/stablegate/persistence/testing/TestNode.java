package io.stablegate.persistence.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.app.NodeOptions;
import io.stablegate.app.StablegateNode;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.engine.payment.PaymentMatcher;
import io.stablegate.engine.payment.WebhookService;
import io.stablegate.persistence.Repositories;
import io.stablegate.persistence.db.Database;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.merchant.DuplicateException;
import io.stablegate.persistence.webhook.WebhookDeliveryRepository;
import java.time.Clock;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.awaitility.Awaitility;

/**
 * A whole node for tests, started through the composition root ({@link StablegateNode#start}) like
 * {@code stablegate serve}: entities, webhook delivery, projections, sweepers and the API on a free
 * loopback port, over a test database. Only settings differ: loopback and free ports, no chain
 * enabled unless a test configures one, short sweep intervals, generous timeouts. Close it to stop
 * the node; the database stays, so another TestNode can recover from it.
 */
public final class TestNode implements AutoCloseable {
  /** What every test node runs with, under the test's own overrides. */
  public static final Config TEST_DEFAULTS = ConfigFactory.parseString("""
      pekko.remote.artery.canonical.hostname = 127.0.0.1
      pekko.remote.artery.canonical.port = 0
      pekko.management.http.hostname = 127.0.0.1
      pekko.management.http.bind-hostname = 127.0.0.1
      pekko.management.http.port = 0
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      pekko.coordinated-shutdown.exit-jvm = off
      pekko.loglevel = INFO
      stablegate.chains.tron.enabled = false
      stablegate.chains.ethereum.enabled = false
      stablegate.chains.bsc.enabled = false
      stablegate.db.pool-size = 5
      stablegate.expiry.sweep-interval = 200ms
      stablegate.webhook.sweep-interval = 200ms
      stablegate.webhook.restart-backoff.min = 50ms
      stablegate.webhook.restart-backoff.max = 200ms
      # a shared 2-core machine can be slow; a test waits rather than fails
      stablegate.ask-timeout = 30s
      stablegate.http.host = "127.0.0.1"
      stablegate.http.port = 0
      stablegate.http.bcrypt-cost = 10
      stablegate.http.rate-limit.per-address-per-second = 100000
      stablegate.http.rate-limit.per-address-burst = 100000
      stablegate.http.rate-limit.per-api-key-per-second = 100000
      stablegate.http.rate-limit.per-api-key-burst = 100000
      stablegate.http.registration.per-address-per-minute = 100000
      stablegate.public-url = "https://pay.example.test"
      # exchange rates without the network, unless a test points the node at its own provider
      stablegate.rates.source = "fixed"
      stablegate.rates.fixed = "EUR=0.92,CNY=7.1"
      """);

  private final StablegateNode node;

  /** A node on {@code coordinates} with {@code overrides} in front of {@link #TEST_DEFAULTS}, on {@code clock}. */
  public TestNode(DbCoordinates coordinates, Config overrides, Clock clock) {
    this.node = StablegateNode.start(new NodeOptions(overrides.withFallback(TEST_DEFAULTS), clock,
        java.util.Optional.of(coordinates)));
    Cluster cluster = Cluster.get(node.system());
    Awaitility.await().atMost(Duration.ofSeconds(60))
        .until(() -> cluster.selfMember().status() == MemberStatus.up());
  }

  public TestNode(DbCoordinates coordinates, Config overrides) {
    this(coordinates, overrides, Clock.systemUTC());
  }

  public TestNode(DbCoordinates coordinates) {
    this(coordinates, ConfigFactory.empty());
  }

  /** A node on a fresh test database. */
  public static TestNode fresh(Config overrides) {
    return new TestNode(TestDatabase.fresh(), overrides);
  }

  public StablegateNode node() {
    return node;
  }

  public ActorSystem<Void> system() {
    return node.system();
  }

  public Database database() {
    return node.database();
  }

  public Repositories repositories() {
    return node.repositories();
  }

  public InvoiceService invoices() {
    return node.invoices();
  }

  public PaymentMatcher matcher() {
    return node.matcher();
  }

  public WebhookService webhooks() {
    return node.webhooks();
  }

  public WebhookDeliveryRepository deliveries() {
    return node.repositories().webhookDeliveries();
  }

  public int httpPort() {
    return node.httpPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + node.httpPort();
  }

  /**
   * Makes {@code merchantId} a merchant whose webhooks go to {@code url}, signed with {@code secret}:
   * the rows sign-up and {@code PUT /api/v1/webhook} write, which webhook delivery reads.
   */
  public void webhookEndpoint(UUID merchantId, String url, String secret) {
    try {
      try {
        repositories().merchants().create(merchantId, merchantId + "@merchant.test", "-", "test-" + merchantId,
            Instant.now());
      } catch (DuplicateException already) {
        // the merchant exists: only the URL changes
      }
      repositories().webhookSettings().setUrl(merchantId, url, () -> secret, "test");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    node.close();
  }
}
