package io.stablegate.engine.rates;

import com.typesafe.config.Config;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * {@code stablegate.rates}: which provider, where it is, how often to ask it, how old a rate may be
 * when used, and how far a rate may move between two refreshes before it is not believed.
 *
 * @param maxChange a fraction: 0.2 refuses a rate more than 20 % above or below the last good one
 */
public record RatesSettings(String source, String url, String fixed, Duration refresh, Duration maxAge,
    BigDecimal maxChange, Duration timeout) {

  public static RatesSettings fromConfig(Config config) {
    Config c = config.getConfig("stablegate.rates");
    RatesSettings settings = new RatesSettings(
        c.getString("source").trim().toLowerCase(java.util.Locale.ROOT),
        c.getString("url"),
        c.getString("fixed"),
        c.getDuration("refresh"),
        c.getDuration("max-age"),
        new BigDecimal(c.getString("max-change")),
        c.getDuration("timeout"));
    if (settings.refresh.isZero() || settings.refresh.isNegative() || settings.maxAge.compareTo(settings.refresh) < 0) {
      throw new IllegalArgumentException("stablegate.rates: refresh must be positive and max-age at least refresh");
    }
    if (settings.maxChange.signum() <= 0) {
      throw new IllegalArgumentException("stablegate.rates.max-change must be greater than 0");
    }
    return settings;
  }
}
