package io.stablegate.http.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.chain.ChainStatusBoard;
import io.stablegate.engine.rates.RateSource;
import io.stablegate.http.HttpServer;
import io.stablegate.http.StablegateApi;
import io.stablegate.http.rates.RateSources;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * A one-node engine on a fresh embedded-PostgreSQL database with the whole merchant API bound on a
 * free loopback port: what a real node serves, minus the chain watchers.
 */
public final class ApiTestServer implements AutoCloseable {
  /** Fast bcrypt, generous rate limits and fixed exchange rates (no network), unless a test says otherwise. */
  public static final Config TEST_DEFAULTS = ConfigFactory.parseString("""
      stablegate.http.host = "127.0.0.1"
      stablegate.http.port = 0
      stablegate.http.bcrypt-cost = 10
      stablegate.http.rate-limit.per-address-per-second = 100000
      stablegate.http.rate-limit.per-address-burst = 100000
      stablegate.http.rate-limit.per-api-key-per-second = 100000
      stablegate.http.rate-limit.per-api-key-burst = 100000
      stablegate.public-url = "https://pay.example.test"
      stablegate.rates.source = "fixed"
      stablegate.rates.fixed = "EUR=0.92,CNY=7.1"
      """);

  private final TestNode node;
  private final StablegateApi api;
  private final ServerBinding binding;
  private final DbCoordinates database;
  private final RateSource rates;

  public ApiTestServer(Config overrides) {
    this.database = TestDatabase.fresh();
    this.node = new TestNode(database, overrides.withFallback(TEST_DEFAULTS));
    this.rates = RateSources.start(node.system(), node.system().dispatchers().lookup(
        DispatcherSelector.fromConfig("stablegate-blocking-dispatcher")), Clock.systemUTC());
    this.api = StablegateApi.create(node.system(), node.database().dataSource(), node.invoices(),
        ChainStatusBoard.start(node.system()), rates);
    try {
      this.binding = HttpServer.start(node.system(), api.route()).toCompletableFuture().get(30, TimeUnit.SECONDS);
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

  /** The node's exchange-rate source (from {@code stablegate.rates}). */
  public RateSource rates() {
    return rates;
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
