package io.stablegate.engine.invoice;

/** A payment is CONFIRMING until its block has the required confirmations, then FINAL. */
public enum PaymentStatus {
  CONFIRMING,
  FINAL
}
