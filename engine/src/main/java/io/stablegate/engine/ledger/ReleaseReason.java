package io.stablegate.engine.ledger;

/** Why an invoice gives its payAmount back. */
public enum ReleaseReason {
  /** Paid: the slot is free at once. */
  PAID,
  /** Cancelled: the slot stays reserved for the late-payment window. */
  CANCELLED
}
