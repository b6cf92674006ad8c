package io.stablegate.engine.ledger;

/** Why an invoice gives its payAmount back. */
public enum ReleaseReason {
  /** Paid: the slot is free at once. */
  PAID,
  /** Cancelled: the slot stays reserved for the late-payment window. */
  CANCELLED,
  /** The invoice was never created (its creation failed after the allocation): the slot is free at once. */
  NOT_CREATED
}
