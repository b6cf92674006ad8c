package io.stablegate.engine.invoice;

/** The webhook event types of CONTRACT §4, with their wire names. */
public enum WebhookEventType {
  PAYMENT_DETECTED("invoice.payment_detected"),
  PAID("invoice.paid"),
  PAID_LATE("invoice.paid_late"),
  EXPIRED("invoice.expired"),
  CANCELLED("invoice.cancelled"),
  PAYMENT_REVERTED("invoice.payment_reverted"),
  PARTIALLY_PAID("invoice.partially_paid"),
  OVERPAID("invoice.overpaid"),
  /** Not an invoice's: a final transfer that credits no invoice, sent by the wallet's ledger. */
  TRANSFER_UNMATCHED("transfer.unmatched"),
  PING("ping");

  private final String wireName;

  WebhookEventType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
