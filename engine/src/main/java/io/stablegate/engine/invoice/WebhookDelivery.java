package io.stablegate.engine.invoice;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One webhook event of an invoice and where its delivery stands; part of the invoice's state, so it
 * is recovered with the invoice and resumes wherever the invoice wakes next.
 *
 * <p>The merchant receives the invoice <em>as it was at the event</em> (a {@code payment_detected}
 * says CONFIRMING even if the invoice is PAID by the time the request goes out), and every attempt
 * carries the same content. A delivery does not keep a copy of the invoice for that: an invoice's
 * terms (merchant, chain, address, amounts, order id, description, metadata, expiry) never change
 * after its creation (but for the payAmount and what is due, which a partial credit changes), so the
 * delivery keeps only what events change, its {@link Moment}, and
 * {@link Invoice#atEvent} puts the current invoice's terms and that moment together when the payload
 * is rendered.
 *
 * @param eventId the webhook event's {@code id}, the same on every attempt
 * @param createdAt when the event happened: the payload's {@code createdAt}
 * @param moment what the invoice's status, late flag, payments, payAmount, due and under/overpaid flags were
 *     right after the event (payAmount and due null in deliveries stored before they could change)
 * @param attempts attempts made so far, redeliveries included
 * @param scheduleIndex failed attempts since the event or its last redelivery: the place in the retry schedule
 * @param nextAttemptAt when the next attempt is due, while {@code PENDING}
 * @param endpointId the endpoint this delivery goes to: {@link #DEFAULT_ENDPOINT} for the merchant's
 *     default endpoint ({@code PUT /api/v1/webhook}), otherwise the id of one of its webhook endpoints.
 *     An event has one delivery per endpoint, each retried and logged on its own.
 * @param endpointsResolved on the default endpoint's delivery: whether the event's other endpoints
 *     (those subscribed to its type) have been looked up and given their own deliveries
 *     ({@link InvoiceEvent.WebhookEndpointsResolved}); the default delivery's courier does that first
 */
public record WebhookDelivery(
    UUID eventId,
    WebhookEventType type,
    Instant createdAt,
    Moment moment,
    Status status,
    int attempts,
    int scheduleIndex,
    Instant nextAttemptAt,
    UUID endpointId,
    boolean endpointsResolved) {

  /** The merchant's default endpoint, the one of {@code PUT /api/v1/webhook}. */
  public static final UUID DEFAULT_ENDPOINT = new UUID(0, 0);

  public WebhookDelivery {
    endpointId = endpointId == null ? DEFAULT_ENDPOINT : endpointId;
  }

  @JsonIgnore
  public boolean isDefaultEndpoint() {
    return DEFAULT_ENDPOINT.equals(endpointId);
  }

  public enum Status {
    PENDING,
    DELIVERED,
    FAILED
  }

  /**
   * The part of an invoice that events change, as it was right after one event. Reading ignores
   * other properties: documents written before deliveries kept only this held the whole invoice
   * (see {@link #fromJson}).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Moment(InvoiceStatus status, boolean paidLate, List<Payment> payments, BigDecimal payAmount,
      BigDecimal due, boolean underpaid, boolean overpaid) {
    public Moment {
      payments = List.copyOf(payments);
    }

    static Moment of(Invoice invoice) {
      return new Moment(invoice.status(), invoice.paidLate(), invoice.payments(), invoice.payAmount(), invoice.due(),
          invoice.underpaid(), invoice.overpaid());
    }
  }

  public static WebhookDelivery pending(UUID eventId, WebhookEventType type, Instant createdAt, Moment moment) {
    return new WebhookDelivery(eventId, type, createdAt, moment, Status.PENDING, 0, 0, createdAt, DEFAULT_ENDPOINT,
        false);
  }

  /** The delivery of the same event to another endpoint, due at {@code at}. */
  public WebhookDelivery forEndpoint(UUID endpoint, Instant at) {
    return new WebhookDelivery(eventId, type, createdAt, moment, Status.PENDING, 0, 0, at, endpoint, true);
  }

  public WebhookDelivery resolved() {
    return new WebhookDelivery(eventId, type, createdAt, moment, status, attempts, scheduleIndex, nextAttemptAt,
        endpointId, true);
  }

  /**
   * Reads a stored delivery (a snapshot, a read-table document). Those written before this version
   * carry the whole invoice as of the event under {@code invoice} instead of {@code moment}; its
   * status, late flag and payments are that moment.
   */
  @JsonCreator
  static WebhookDelivery fromJson(
      @JsonProperty("eventId") UUID eventId,
      @JsonProperty("type") WebhookEventType type,
      @JsonProperty("createdAt") Instant createdAt,
      @JsonProperty("moment") Moment moment,
      @JsonProperty("invoice") Moment legacyInvoice,
      @JsonProperty("status") Status status,
      @JsonProperty("attempts") int attempts,
      @JsonProperty("scheduleIndex") int scheduleIndex,
      @JsonProperty("nextAttemptAt") Instant nextAttemptAt,
      @JsonProperty("endpointId") UUID endpointId,
      @JsonProperty("endpointsResolved") boolean endpointsResolved) {
    return new WebhookDelivery(eventId, type, createdAt, moment != null ? moment : legacyInvoice, status, attempts,
        scheduleIndex, nextAttemptAt, endpointId, endpointsResolved);
  }

  @JsonIgnore
  public boolean isPending() {
    return status == Status.PENDING;
  }

  public WebhookDelivery attempted(int attempt, Status next, Instant nextAt) {
    int index = next == Status.PENDING ? scheduleIndex + 1 : scheduleIndex;
    return new WebhookDelivery(eventId, type, createdAt, moment, next, attempt, index, nextAt, endpointId,
        endpointsResolved);
  }

  public WebhookDelivery redeliver(Instant at) {
    return new WebhookDelivery(eventId, type, createdAt, moment, Status.PENDING, attempts, 0, at, endpointId,
        endpointsResolved);
  }
}
