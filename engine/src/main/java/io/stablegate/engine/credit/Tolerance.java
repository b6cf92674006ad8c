package io.stablegate.engine.credit;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The underpayment tolerance rule: a transfer of {@code c} covers what is {@code due} when {@code c
 * ≥ due × (1 − t/100)}. {@code t} is a percentage from 0 to 10 with at most two decimals; the lower
 * bound is exact (no rounding), so an auditor recomputes the same answer from the journal.
 */
public final class Tolerance {
  public static final BigDecimal MAX_PERCENT = BigDecimal.TEN;

  private Tolerance() {}

  /** {@code due × (1 − t/100)}, exactly. A null tolerance (journals written before it existed) is 0. */
  public static BigDecimal lowerBound(BigDecimal due, BigDecimal tolerancePercent) {
    BigDecimal t = tolerancePercent == null ? BigDecimal.ZERO : tolerancePercent;
    return due.multiply(BigDecimal.ONE.subtract(t.movePointLeft(2)));
  }

  /** Whether {@code amount} covers {@code due} under the tolerance. */
  public static boolean covers(BigDecimal amount, BigDecimal due, BigDecimal tolerancePercent) {
    return amount.compareTo(lowerBound(due, tolerancePercent)) >= 0;
  }

  /** Whether {@code amount} lies in the window {@code [due × (1 − t/100), due)}. */
  public static boolean inWindow(BigDecimal amount, BigDecimal due, BigDecimal tolerancePercent) {
    return amount.compareTo(due) < 0 && covers(amount, due, tolerancePercent)
        && tolerancePercent != null && tolerancePercent.signum() > 0;
  }

  /** A valid tolerance: 0 to 10, at most two decimals. */
  public static boolean isValid(BigDecimal percent) {
    return percent.signum() >= 0 && percent.compareTo(MAX_PERCENT) <= 0
        && percent.stripTrailingZeros().scale() <= 2;
  }

  /** For messages. */
  public static String describe(BigDecimal tolerancePercent) {
    BigDecimal t = tolerancePercent == null ? BigDecimal.ZERO : tolerancePercent;
    return t.setScale(Math.max(0, t.stripTrailingZeros().scale()), RoundingMode.UNNECESSARY).toPlainString() + " %";
  }
}
