package io.stablegate.engine.invoice;

/**
 * The webhook event types of an invoice (docs/webhooks.md), with their wire names. (The merchant can
 * also ask for a {@code ping}, which concerns no invoice: {@code webhook.WebhookPayload#PING}.)
 */
public enum WebhookEventType {
  PAYMENT_DETECTED("invoice.payment_detected"),
  PAID("invoice.paid"),
  PAID_LATE("invoice.paid_late"),
  EXPIRED("invoice.expired"),
  CANCELLED("invoice.cancelled"),
  PAYMENT_REVERTED("invoice.payment_reverted");

  private final String wireName;

  WebhookEventType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
