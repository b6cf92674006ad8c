package io.stablegate.http.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.chain.ChainStatusBoard;
import io.stablegate.http.HttpServer;
import io.stablegate.http.StablegateApi;
import io.stablegate.engine.webhook.WebhookDispatch;
import io.stablegate.engine.webhook.WebhookPinger;
import io.stablegate.http.pages.PageRoutes;
import io.stablegate.http.webhooks.WebhookDeliveryRoutes;
import io.stablegate.http.webhooks.WebhookTestRoutes;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * A one-node engine on a fresh embedded-PostgreSQL database with the whole merchant API bound on a
 * free loopback port: every route a real node serves (API, webhook deliveries and test, pages),
 * minus the chain watchers.
 */
public final class ApiTestServer implements AutoCloseable {
  /** Fast bcrypt and generous rate limits, unless a test says otherwise. */
  public static final Config TEST_DEFAULTS = ConfigFactory.parseString("""
      stablegate.http.host = "127.0.0.1"
      stablegate.http.port = 0
      stablegate.http.bcrypt-cost = 10
      stablegate.http.rate-limit.per-address-per-second = 100000
      stablegate.http.rate-limit.per-address-burst = 100000
      stablegate.http.rate-limit.per-api-key-per-second = 100000
      stablegate.http.rate-limit.per-api-key-burst = 100000
      stablegate.public-url = "https://pay.example.test"
      """);

  private final TestNode node;
  private final StablegateApi api;
  private final ServerBinding binding;
  private final DbCoordinates database;

  public ApiTestServer(Config overrides) {
    this.database = TestDatabase.fresh();
    this.node = new TestNode(database, overrides.withFallback(TEST_DEFAULTS));
    this.api = StablegateApi.create(node.system(), node.database().dataSource(), node.invoices(),
        ChainStatusBoard.start(node.system()));
    try {
      // every route a node serves, composed as the node composes them
      java.util.concurrent.Executor blocking = node.system().dispatchers().lookup(
          org.apache.pekko.actor.typed.DispatcherSelector.fromConfig("stablegate-blocking-dispatcher"));
      this.binding = HttpServer.start(node.system(), api.route(
              new WebhookDeliveryRoutes(api.authentication(), node.deliveries(), node.webhooks(), blocking).route(),
              new WebhookTestRoutes(api.authentication(),
                  new WebhookPinger(WebhookDispatch.create(node.system(), api.webhookEndpoints()))).route(),
              new PageRoutes(node.invoices(), node.system().settings().config()).route()))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      node.close();
      throw new IllegalStateException("cannot bind the API", e);
    }
  }

  public ApiTestServer() {
    this(ConfigFactory.empty());
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  public TestNode node() {
    return node;
  }

  public StablegateApi api() {
    return api;
  }

  public DataSource dataSource() {
    return node.database().dataSource();
  }

  public ApiClient client() {
    return new ApiClient(baseUrl());
  }

  @Override
  public void close() {
    binding.unbind().toCompletableFuture().orTimeout(Duration.ofSeconds(10).toSeconds(), TimeUnit.SECONDS).join();
    node.close();
  }
}
