package io.stablegate.engine.money;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Exact USDT amounts. On chain an amount is an integer of base units; at the edges it is a
 * {@link BigDecimal}. Nothing here rounds: a conversion that would lose a digit throws.
 */
public final class Amounts {

  /** Invoice amounts carry at most this many decimals. */
  public static final int MAX_DECIMALS = 6;

  /** The step between two payAmounts of one wallet and base amount. */
  public static final BigDecimal PAY_AMOUNT_STEP = new BigDecimal("0.0001");

  /** The largest amount one invoice may ask for. */
  public static final BigDecimal MAX_INVOICE_AMOUNT = new BigDecimal("1000000");

  private static final Pattern DECIMAL = Pattern.compile("(0|[1-9][0-9]{0,15})(\\.[0-9]{1,18})?");

  private Amounts() {}

  /**
   * Parses a plain decimal string ({@code "10.5"}): no sign, no exponent, no spaces, no leading
   * zeros. Returns the normalised value; throws {@link IllegalArgumentException} otherwise.
   */
  public static BigDecimal parse(String text) {
    if (text == null || !DECIMAL.matcher(text).matches()) {
      throw new IllegalArgumentException("not a plain decimal amount: " + text);
    }
    return normalize(new BigDecimal(text));
  }

  /** The same value without trailing zeros; zero is always {@code 0}. */
  public static BigDecimal normalize(BigDecimal amount) {
    if (amount.signum() == 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal stripped = amount.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  /** The canonical text of an amount as the API shows it: plain, no trailing zeros. */
  public static String format(BigDecimal amount) {
    return normalize(amount).toPlainString();
  }

  /** Base units of a token with {@code decimals} decimals; throws if the amount has more digits. */
  public static BigInteger toBaseUnits(BigDecimal amount, int decimals) {
    try {
      return amount.movePointRight(decimals).toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw new ArithmeticException(
          "amount " + amount.toPlainString() + " has more than " + decimals + " decimals");
    }
  }

  /** The exact decimal value of {@code units} base units of a token with {@code decimals}. */
  public static BigDecimal fromBaseUnits(BigInteger units, int decimals) {
    return normalize(new BigDecimal(units, decimals));
  }
}
