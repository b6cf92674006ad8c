package io.stablegate.engine.money;

import java.math.BigDecimal;
import java.util.Currency;

/** A merchant's price in a fiat currency: {@code amount} of ISO 4217 {@code currency}. */
public record Price(BigDecimal amount, String currency) {

  /** Three upper-case letters that the JDK's {@link Currency} table knows as an ISO 4217 code. */
  public static boolean isCurrencyCode(String code) {
    if (code == null || !code.matches("[A-Z]{3}")) {
      return false;
    }
    try {
      Currency.getInstance(code);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
