package io.stablegate.engine.webhook;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.WebhookEventType;
import java.time.Instant;
import java.util.UUID;

/**
 * One webhook event of an invoice and where its delivery stands; part of the invoice's state, so it
 * is recovered with the invoice and resumes wherever the invoice wakes next.
 *
 * @param eventId the webhook event's {@code id}, the same on every attempt
 * @param createdAt when the event happened: the payload's {@code createdAt}
 * @param invoice the invoice as of the event, the payload's {@code data.invoice} (its own deliveries left out);
 *     null for an event that concerns no invoice
 * @param notice for {@code transfer.unmatched}: the transfer and its candidates, the payload's {@code data}
 * @param attempts attempts made so far, redeliveries included
 * @param scheduleIndex failed attempts since the event or its last redelivery: the place in the retry schedule
 * @param nextAttemptAt when the next attempt is due, while {@code PENDING}
 */
public record WebhookDelivery(
    UUID eventId,
    WebhookEventType type,
    Instant createdAt,
    Invoice invoice,
    Status status,
    int attempts,
    int scheduleIndex,
    Instant nextAttemptAt,
    TransferNotice notice) {

  public enum Status {
    PENDING,
    DELIVERED,
    FAILED
  }

  public static WebhookDelivery pending(UUID eventId, WebhookEventType type, Instant createdAt, Invoice invoice) {
    return new WebhookDelivery(eventId, type, createdAt, invoice, Status.PENDING, 0, 0, createdAt, null);
  }

  /** A pending {@code transfer.unmatched} event of a wallet ledger. */
  public static WebhookDelivery pendingNotice(UUID eventId, Instant createdAt, TransferNotice notice) {
    return new WebhookDelivery(eventId, WebhookEventType.TRANSFER_UNMATCHED, createdAt, null, Status.PENDING, 0, 0,
        createdAt, notice);
  }

  @JsonIgnore
  public boolean isPending() {
    return status == Status.PENDING;
  }

  public WebhookDelivery attempted(int attempt, Status next, Instant nextAt) {
    int index = next == Status.PENDING ? scheduleIndex + 1 : scheduleIndex;
    return new WebhookDelivery(eventId, type, createdAt, invoice, next, attempt, index, nextAt, notice);
  }

  public WebhookDelivery redeliver(Instant at) {
    return new WebhookDelivery(eventId, type, createdAt, invoice, Status.PENDING, attempts, 0, at, notice);
  }
}
