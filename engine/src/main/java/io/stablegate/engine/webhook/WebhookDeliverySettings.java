package io.stablegate.engine.webhook;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How webhooks are sent, from {@code stablegate.webhook} and {@code stablegate.mode}: the limits of
 * one request, the supervision of the actor that sends an invoice's event, and the sweeper that
 * wakes sleeping invoices. When an event is retried is the invoice's business
 * (the invoice package's retry settings).
 *
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
public record WebhookDeliverySettings(
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

  public static WebhookDeliverySettings fromConfig(Config root) {
    Config c = root.getConfig("stablegate.webhook");
    String mode = root.getString("stablegate.mode");
    if (!mode.equals("production") && !mode.equals("development")) {
      throw new IllegalArgumentException("stablegate.mode (STABLEGATE_MODE) must be development or production, not " + mode);
    }
    return new WebhookDeliverySettings(
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
}
