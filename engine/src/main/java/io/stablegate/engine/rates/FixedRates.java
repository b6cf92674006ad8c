package io.stablegate.engine.rates;

import io.stablegate.engine.money.Token;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code fixed} provider: rates from configuration ({@code STABLEGATE_RATES_FIXED}, as
 * {@code EUR=0.92,CNY=7.1}), the same for every token (one USDT and one USDC are taken to be worth
 * the same). Each refresh serves them again, so they never age out; their values are checked like any
 * provider's.
 */
public final class FixedRates implements RateProvider {
  public static final String NAME = "fixed";

  private final Map<String, String> rates;

  public FixedRates(Map<String, String> rates) {
    this.rates = Map.copyOf(rates);
  }

  /** Parses {@code EUR=0.92,CNY=7.1}; throws {@link IllegalArgumentException} on an entry without {@code =}. */
  public static FixedRates parse(String text) {
    Map<String, String> rates = new LinkedHashMap<>();
    for (String entry : text.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("fixed rates must look like EUR=0.92,CNY=7.1; found \"" + entry.trim() + "\"");
      }
      rates.put(entry.substring(0, eq).trim().toUpperCase(java.util.Locale.ROOT), entry.substring(eq + 1).trim());
    }
    return new FixedRates(rates);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, String> fetch(Token token) {
    return rates;
  }
}
