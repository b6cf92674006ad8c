package io.stablegate.engine.webhook;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Settings of webhook delivery, from {@code stablegate.webhook} and {@code stablegate.mode}.
 *
 * @param retrySchedule the delays between attempts; {@code retrySchedule.size() + 1} attempts in all
 * @param jitter each delay is stretched by a random factor in {@code [0, jitter)}
 * @param timeout one attempt's limit
 * @param maxConcurrentPerEndpoint deliveries in flight at once to one merchant endpoint, per node
 * @param maxConnectionsPerHost pooled connections per target host, per node
 * @param responseBodyLimit bytes of a response body read at most
 * @param restartBackoffMin the delivery actor's supervision backoff, first restart
 * @param restartBackoffMax the delivery actor's supervision backoff, ceiling
 * @param restartRandomFactor the supervision backoff's jitter
 * @param production {@code STABLEGATE_MODE=production}: only https targets on public addresses
 * @param sweepInterval how often the sweeper looks for due deliveries of sleeping invoices
 * @param sweepBatchSize invoices woken per sweep at most
 */
public record WebhookSettings(
    List<Duration> retrySchedule,
    double jitter,
    Duration timeout,
    int maxConcurrentPerEndpoint,
    int maxConnectionsPerHost,
    int responseBodyLimit,
    Duration restartBackoffMin,
    Duration restartBackoffMax,
    double restartRandomFactor,
    boolean production,
    Duration sweepInterval,
    int sweepBatchSize) {

  public WebhookSettings {
    retrySchedule = List.copyOf(retrySchedule);
  }

  public static WebhookSettings fromConfig(Config root) {
    Config c = root.getConfig("stablegate.webhook");
    String mode = root.getString("stablegate.mode");
    if (!mode.equals("production") && !mode.equals("development")) {
      throw new IllegalArgumentException("stablegate.mode (STABLEGATE_MODE) must be development or production, not " + mode);
    }
    return new WebhookSettings(
        parseSchedule(c.getString("retry-schedule")),
        c.getDouble("jitter"),
        c.getDuration("timeout"),
        c.getInt("max-concurrent-per-endpoint"),
        c.getInt("max-connections-per-host"),
        Math.toIntExact(c.getBytes("response-body-limit")),
        c.getDuration("restart-backoff.min"),
        c.getDuration("restart-backoff.max"),
        c.getDouble("restart-backoff.random-factor"),
        mode.equals("production"),
        c.getDuration("sweep-interval"),
        c.getInt("sweep-batch-size"));
  }

  /** {@code "5s,5m,30m"}: comma-separated HOCON durations (a string, so that one env variable sets it). */
  static List<Duration> parseSchedule(String text) {
    return Arrays.stream(text.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(s -> ConfigFactory.parseString("d = \"" + s + "\"").getDuration("d"))
        .toList();
  }

  /** Attempts in all: the first one and one after each delay. */
  public int maxAttempts() {
    return retrySchedule.size() + 1;
  }
}
