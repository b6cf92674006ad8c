package io.stablegate.engine.credit;

/**
 * How a transfer came to credit an invoice: {@code MATCHED} (exactly the payAmount), {@code
 * TOLERANCE} (within the merchant's underpayment tolerance below what was due, the only invoice whose
 * window held it), {@code ATTACHED} (an unmatched transfer the merchant credited to it).
 */
public enum PaymentSource {
  MATCHED,
  TOLERANCE,
  ATTACHED
}
