package io.stablegate.engine.invoice;

/** The webhook event types of docs/webhooks.md, with their wire names. */
public enum WebhookEventType {
  PAYMENT_DETECTED("invoice.payment_detected"),
  PAID("invoice.paid"),
  PAID_LATE("invoice.paid_late"),
  EXPIRED("invoice.expired"),
  CANCELLED("invoice.cancelled"),
  PAYMENT_REVERTED("invoice.payment_reverted"),
  PING("ping");

  private final String wireName;

  WebhookEventType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
