package io.stablegate.engine.invoice;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * When an invoice retries a webhook event, from {@code stablegate.webhook}. The invoice entity
 * draws each next attempt's time from these and persists it, so the schedule survives restarts.
 *
 * @param schedule the delays between attempts; {@code schedule.size() + 1} attempts in all
 * @param jitter each delay is stretched by a random factor in {@code [0, jitter)}
 */
public record WebhookRetrySettings(List<Duration> schedule, double jitter) {

  public WebhookRetrySettings {
    schedule = List.copyOf(schedule);
  }

  public static WebhookRetrySettings fromConfig(Config root) {
    Config c = root.getConfig("stablegate.webhook");
    return new WebhookRetrySettings(parseSchedule(c.getString("retry-schedule")), c.getDouble("jitter"));
  }

  /** {@code "5s,5m,30m"}: comma-separated HOCON durations (a string, so that one env variable sets it). */
  static List<Duration> parseSchedule(String text) {
    return Arrays.stream(text.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(s -> ConfigFactory.parseString("d = \"" + s + "\"").getDuration("d"))
        .toList();
  }
}
