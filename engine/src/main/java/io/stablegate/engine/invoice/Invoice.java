package io.stablegate.engine.invoice;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.stablegate.engine.credit.PaymentSource;
import io.stablegate.engine.audit.EventHasher;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCancelled;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCreated;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceExpired;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceOverpaid;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePaid;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePartiallyPaid;
import io.stablegate.engine.invoice.InvoiceEvent.NotifiesMerchant;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentAttached;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmationsUpdated;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmed;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentDetected;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentReverted;
import io.stablegate.engine.invoice.InvoiceEvent.WebhookAttempted;
import io.stablegate.engine.invoice.InvoiceEvent.WebhookEndpointsResolved;
import io.stablegate.engine.invoice.InvoiceEvent.WebhookRedeliveryRequested;
import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * An invoice as its events made it. Immutable; {@link #apply} returns the next version.
 * {@code draft} is what it was created from (its terms, first payAmount, confirmations and the
 * merchant's tolerance at creation, which never change), written flat as every document of an
 * invoice always was; the accessors below read it. {@code webhooks} are its webhook events and
 * where their delivery stands, oldest first.
 *
 * <p>What payments change lives beside the draft: {@code currentPayAmount} is the amount a payer
 * is asked to send now (the draft's payAmount until a partial credit gives the remainder a fresh
 * payAmount; read it with {@link #payAmount()}), {@code due} what the invoice still waits for (its
 * payAmount while nothing is credited, the remainder after a partial credit, zero once PAID), and
 * the {@code underpaid}/{@code overpaid} flags. Every credit is judged by the draft's {@link
 * #underpaymentTolerancePercent()}. Fields added after the first release are null in older
 * documents and take their neutral value.
 */
public record Invoice(
    UUID id,
    @JsonUnwrapped InvoiceDraft draft,
    Instant createdAt,
    InvoiceStatus status,
    List<Payment> payments,
    boolean paidLate,
    Instant updatedAt,
    String lastHash,
    List<WebhookDelivery> webhooks,
    BigDecimal currentPayAmount,
    BigDecimal due,
    boolean underpaid,
    boolean overpaid)
    implements InvoiceState {

  public Invoice {
    payments = List.copyOf(payments);
    // null in documents written before deliveries were part of the state
    webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
    if (currentPayAmount == null) {
      currentPayAmount = draft.payAmount();
    }
    if (due == null) {
      due = status == InvoiceStatus.PAID ? BigDecimal.ZERO : currentPayAmount;
    }
  }

  /** An invoice as it was before payments could change its payAmount. */
  public Invoice(UUID id, InvoiceDraft draft, Instant createdAt, InvoiceStatus status, List<Payment> payments,
      boolean paidLate, Instant updatedAt, String lastHash, List<WebhookDelivery> webhooks) {
    this(id, draft, createdAt, status, payments, paidLate, updatedAt, lastHash, webhooks, null, null, false, false);
  }

  static Invoice created(InvoiceCreated e, String hash) {
    return new Invoice(e.invoiceId(), e.draft(), e.at(), InvoiceStatus.PENDING, List.of(), false, e.at(), hash,
        List.of(), e.payAmount(), e.payAmount(), false, false);
  }

  public InvoiceTerms terms() {
    return draft.terms();
  }

  public UUID merchantId() {
    return draft.terms().merchantId();
  }

  public Chain chain() {
    return draft.terms().chain();
  }

  /** The stablecoin the invoice is in. */
  public io.stablegate.engine.money.Token token() {
    return terms().token();
  }

  public String address() {
    return draft.terms().address();
  }

  public BigDecimal amount() {
    return draft.terms().amount();
  }

  public String orderId() {
    return draft.terms().orderId();
  }

  public String description() {
    return draft.terms().description();
  }

  public String metadataJson() {
    return draft.terms().metadataJson();
  }

  public Instant expiresAt() {
    return draft.terms().expiresAt();
  }

  /** What a payer is asked to send now: the draft's payAmount, or the remainder's after a partial credit. */
  public BigDecimal payAmount() {
    return currentPayAmount;
  }

  public int requiredConfirmations() {
    return draft.requiredConfirmations();
  }

  /** The merchant's tolerance when the invoice was created, which every credit to it is judged by. */
  public BigDecimal underpaymentTolerancePercent() {
    return draft.underpaymentTolerancePercent();
  }

  /** Where the checkout page sends the payer back to once the invoice is over; null when none. */
  public String redirectUrl() {
    return draft.terms().redirectUrl();
  }

  /** False for a test invoice (created with the test API key; only simulated transfers pay it). */
  public boolean livemode() {
    return draft.terms().livemode();
  }

  /** What remains to be paid: {@link #due}, zero once PAID. */
  public BigDecimal amountDue() {
    return status == InvoiceStatus.PAID ? BigDecimal.ZERO : due;
  }

  /** How a fiat price became the amount; null for an invoice asked in the token. */
  @JsonIgnore
  public PriceLock priceLock() {
    return draft.terms().priceLock();
  }

  /** The sum of final payments. */
  public BigDecimal amountPaid() {
    return payments.stream().filter(Payment::isFinal).map(Payment::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  public Optional<Payment> payment(TransferKey key) {
    return payments.stream().filter(p -> p.is(key)).findFirst();
  }

  /** The delivery of webhook event {@code eventId} to the merchant's default endpoint. */
  public Optional<WebhookDelivery> webhook(UUID eventId) {
    return webhook(eventId, WebhookDelivery.DEFAULT_ENDPOINT);
  }

  /** The delivery of webhook event {@code eventId} to endpoint {@code endpointId}. */
  public Optional<WebhookDelivery> webhook(UUID eventId, UUID endpointId) {
    return webhooks.stream().filter(w -> w.eventId().equals(eventId) && w.endpointId().equals(endpointId))
        .findFirst();
  }

  /**
   * The invoice as the merchant is told about it in {@code delivery}: its terms as they stand (they
   * never change) with the status, late flag and payments of the event's moment; no deliveries.
   */
  public Invoice atEvent(WebhookDelivery delivery) {
    WebhookDelivery.Moment m = delivery.moment();
    return new Invoice(id, draft, createdAt, m.status(), m.payments(), m.paidLate(), updatedAt, lastHash, List.of(),
        m.payAmount() != null ? m.payAmount() : currentPayAmount,
        m.due() != null ? m.due() : m.status() == InvoiceStatus.PAID ? BigDecimal.ZERO : currentPayAmount,
        m.underpaid(), m.overpaid());
  }

  /**
   * The invoice after {@code event}. Refuses (with an {@link IllegalStateException}) an event that
   * breaks the lifecycle of {@link InvoiceStatus#legalNext()}: the status it sets must be a legal
   * move from this one ({@link InvoicePaid}, {@link InvoiceExpired} and {@link InvoiceCancelled}
   * always move), or the one the invoice already has. Pekko applies an event before it writes it,
   * so such an event is never persisted; the audit's replay meets the same refusal.
   */
  @Override
  public InvoiceState apply(InvoiceEvent event) {
    String hash = EventHasher.hash(event);
    Invoice next = applyToInvoice(event, hash);
    boolean moves = event instanceof InvoicePaid || event instanceof InvoiceExpired || event instanceof InvoiceCancelled;
    if (moves ? !status.canMoveTo(next.status) : !status.canBecome(next.status)) {
      throw new IllegalStateException(event.getClass().getSimpleName() + " moves the invoice from " + status + " to "
          + next.status + ", which is not a legal transition");
    }
    if (event instanceof NotifiesMerchant notifying) {
      List<WebhookDelivery> deliveries = new ArrayList<>(webhooks);
      deliveries.add(WebhookDelivery.pending(notifying.webhookEventId(), notifying.webhookType(), notifying.at(),
          WebhookDelivery.Moment.of(next)));
      return next.withWebhooks(deliveries);
    }
    return next;
  }

  private Invoice applyToInvoice(InvoiceEvent event, String hash) {
    return switch (event) {
      case InvoiceCreated e -> throw new IllegalStateException("invoice " + id + " already exists");
      case PaymentDetected e -> {
        List<Payment> next = new ArrayList<>(payments);
        next.add(new Payment(e.transfer().txHash(), e.transfer().logIndex(), e.transfer().from(),
            e.transfer().amount(), e.transfer().blockNumber(), e.confirmations(),
            PaymentStatus.CONFIRMING, e.at(), e.sourceOrMatched(), null));
        InvoiceStatus nextStatus = status == InvoiceStatus.PENDING ? InvoiceStatus.CONFIRMING : status;
        yield with(nextStatus, next, paidLate, e.at(), hash);
      }
      case PaymentAttached e -> {
        List<Payment> next = new ArrayList<>(payments);
        next.add(new Payment(e.transfer().txHash(), e.transfer().logIndex(), e.transfer().from(),
            e.transfer().amount(), e.transfer().blockNumber(), draft.requiredConfirmations(), PaymentStatus.FINAL, e.at(),
            PaymentSource.ATTACHED, e.attachedBy()));
        yield with(status, next, paidLate, e.at(), hash).withDue(e.amountDue(), currentPayAmount, underpaid, overpaid);
      }
      case InvoicePartiallyPaid e -> with(InvoiceStatus.PARTIALLY_PAID, payments, paidLate, e.at(), hash)
          .withDue(e.amountDue(), e.payAmount(), underpaid, overpaid);
      case InvoiceOverpaid e -> with(status, payments, paidLate, e.at(), hash)
          .withDue(due, currentPayAmount, underpaid, true);
      case PaymentConfirmationsUpdated e ->
          with(status, replace(e.txHash(), e.logIndex(), p -> p.withConfirmations(e.confirmations())),
              paidLate, e.at(), hash);
      case PaymentConfirmed e ->
          with(status, replace(e.txHash(), e.logIndex(), p -> p.asFinal(e.confirmations())),
              paidLate, e.at(), hash);
      case PaymentReverted e -> {
        List<Payment> next = payments.stream()
            .filter(p -> !(p.txHash().equals(e.txHash()) && p.logIndex() == e.logIndex()))
            .toList();
        InvoiceStatus nextStatus =
            status == InvoiceStatus.CONFIRMING && next.isEmpty() ? InvoiceStatus.PENDING : status;
        yield with(nextStatus, next, paidLate, e.at(), hash);
      }
      case InvoicePaid e -> with(InvoiceStatus.PAID, payments, e.late(), e.at(), hash)
          .withDue(BigDecimal.ZERO, currentPayAmount, e.wasUnderpaid(), overpaid);
      case InvoiceExpired e -> with(InvoiceStatus.EXPIRED, payments, paidLate, e.at(), hash);
      case InvoiceCancelled e -> with(InvoiceStatus.CANCELLED, payments, paidLate, e.at(), hash);
      // Deliveries are not changes of the invoice itself: updatedAt stays, the hash chain moves on.
      case WebhookAttempted e -> with(status, payments, paidLate, updatedAt, hash)
          .replaceWebhook(e.webhookEventId(), e.endpointId(),
              w -> w.attempted(e.attempt(), e.outcome(), e.nextAttemptAt()));
      case WebhookRedeliveryRequested e -> with(status, payments, paidLate, updatedAt, hash)
          .replaceWebhook(e.webhookEventId(), null, w -> w.redeliver(e.at()));
      case WebhookEndpointsResolved e -> {
        Invoice resolved = with(status, payments, paidLate, updatedAt, hash)
            .replaceWebhook(e.webhookEventId(), WebhookDelivery.DEFAULT_ENDPOINT, WebhookDelivery::resolved);
        WebhookDelivery base = resolved.webhook(e.webhookEventId()).orElseThrow();
        List<WebhookDelivery> deliveries = new ArrayList<>(resolved.webhooks);
        for (UUID endpoint : e.endpointIds()) {
          if (resolved.webhook(e.webhookEventId(), endpoint).isEmpty()) {
            deliveries.add(base.forEndpoint(endpoint, e.at()));
          }
        }
        yield resolved.withWebhooks(deliveries);
      }
    };
  }

  private List<Payment> replace(String txHash, int logIndex, java.util.function.UnaryOperator<Payment> change) {
    return payments.stream()
        .map(p -> p.txHash().equals(txHash) && p.logIndex() == logIndex ? change.apply(p) : p)
        .toList();
  }

  private Invoice with(InvoiceStatus newStatus, List<Payment> newPayments, boolean late, Instant at, String hash) {
    return new Invoice(id, draft, createdAt, newStatus, newPayments, late, at, hash, webhooks, currentPayAmount, due,
        underpaid, overpaid);
  }

  private Invoice withDue(BigDecimal newDue, BigDecimal newPayAmount, boolean newUnderpaid, boolean newOverpaid) {
    return new Invoice(id, draft, createdAt, status, payments, paidLate, updatedAt, lastHash, webhooks, newPayAmount,
        newDue, newUnderpaid, newOverpaid);
  }

  private Invoice withWebhooks(List<WebhookDelivery> deliveries) {
    return new Invoice(id, draft, createdAt, status, payments, paidLate, updatedAt, lastHash, deliveries,
        currentPayAmount, due, underpaid, overpaid);
  }

  /** Changes the delivery of {@code eventId} to {@code endpointId}, or to every endpoint when that is null. */
  private Invoice replaceWebhook(UUID eventId, UUID endpointId,
      java.util.function.UnaryOperator<WebhookDelivery> change) {
    if (webhook(eventId).isEmpty()) {
      throw new IllegalStateException("invoice " + id + " has no webhook event " + eventId);
    }
    return withWebhooks(webhooks.stream()
        .map(w -> w.eventId().equals(eventId) && (endpointId == null || w.endpointId().equals(endpointId))
            ? change.apply(w) : w)
        .toList());
  }
}
