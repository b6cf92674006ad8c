package io.stablegate.engine.rates;

import io.stablegate.engine.money.Amounts;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Fiat price → token amount at a locked rate. */
public final class PriceConversion {

  /** Token amounts converted from a price carry this many decimals. */
  public static final int DECIMALS = 2;

  private PriceConversion() {}

  /**
   * {@code price / rate} (rate = currency per one token), rounded up to 2 decimals: the merchant
   * never receives less than the price at the rate. 10 EUR at 0.92 is 10.87 (10.8695… rounded up).
   */
  public static BigDecimal tokenAmount(BigDecimal price, BigDecimal rate) {
    return Amounts.normalize(price.divide(rate, DECIMALS, RoundingMode.UP));
  }
}
