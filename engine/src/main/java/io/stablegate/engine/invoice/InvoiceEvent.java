package io.stablegate.engine.invoice;

import io.stablegate.engine.audit.HashChained;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.serialization.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * Everything that happens to an invoice, one event per fact. Every event links to the previous one
 * by hash ({@link HashChained}); the events that the merchant hears about carry the id of their
 * webhook event ({@link NotifiesMerchant}), fixed once so that every delivery attempt repeats it.
 */
public sealed interface InvoiceEvent extends CborSerializable, HashChained {

  UUID invoiceId();

  Instant at();

  /** An event that the merchant is told about by webhook. */
  sealed interface NotifiesMerchant extends InvoiceEvent {
    UUID webhookEventId();

    WebhookEventType webhookType();
  }

  /**
   * The invoice is created from its draft. Its fields are the draft's, flat: that is how it has been
   * journaled and hashed (see {@link io.stablegate.engine.audit.EventHasher}) since the first version,
   * so they stay as they are; Java code goes through {@link #of} and {@link #draft()}.
   */
  record InvoiceCreated(
      UUID invoiceId,
      UUID merchantId,
      Chain chain,
      String address,
      BigDecimal amount,
      BigDecimal payAmount,
      String orderId,
      String description,
      String metadataJson,
      Instant expiresAt,
      int requiredConfirmations,
      Instant at,
      String prevHash)
      implements InvoiceEvent {

    public static InvoiceCreated of(UUID invoiceId, InvoiceDraft draft, Instant at, String prevHash) {
      InvoiceTerms t = draft.terms();
      return new InvoiceCreated(invoiceId, t.merchantId(), t.chain(), t.address(), t.amount(), draft.payAmount(),
          t.orderId(), t.description(), t.metadataJson(), t.expiresAt(), draft.requiredConfirmations(), at, prevHash);
    }

    public InvoiceDraft draft() {
      return new InvoiceDraft(new InvoiceTerms(merchantId, chain, address, amount, orderId, description, metadataJson,
          expiresAt), payAmount, requiredConfirmations);
    }
  }

  /** A transfer of exactly the payAmount was seen in a block; not final yet. */
  record PaymentDetected(
      UUID invoiceId, Transfer transfer, int confirmations, UUID webhookEventId, Instant at, String prevHash)
      implements NotifiesMerchant {
    @Override
    public WebhookEventType webhookType() {
      return WebhookEventType.PAYMENT_DETECTED;
    }
  }

  record PaymentConfirmationsUpdated(
      UUID invoiceId, String txHash, int logIndex, int confirmations, Instant at, String prevHash)
      implements InvoiceEvent {}

  /** The payment's block has the required confirmations and is canonical: the payment is final. */
  record PaymentConfirmed(
      UUID invoiceId, String txHash, int logIndex, int confirmations, Instant at, String prevHash)
      implements InvoiceEvent {}

  /** The payment's block left the canonical chain before it was final. */
  record PaymentReverted(
      UUID invoiceId, String txHash, int logIndex, UUID webhookEventId, Instant at, String prevHash)
      implements NotifiesMerchant {
    @Override
    public WebhookEventType webhookType() {
      return WebhookEventType.PAYMENT_REVERTED;
    }
  }

  /** Final payments cover the payAmount; {@code late} when the invoice had expired or been cancelled. */
  record InvoicePaid(
      UUID invoiceId, BigDecimal amountPaid, boolean late, UUID webhookEventId, Instant at, String prevHash)
      implements NotifiesMerchant {
    @Override
    public WebhookEventType webhookType() {
      return late ? WebhookEventType.PAID_LATE : WebhookEventType.PAID;
    }
  }

  record InvoiceExpired(UUID invoiceId, UUID webhookEventId, Instant at, String prevHash)
      implements NotifiesMerchant {
    @Override
    public WebhookEventType webhookType() {
      return WebhookEventType.EXPIRED;
    }
  }

  record InvoiceCancelled(UUID invoiceId, UUID webhookEventId, Instant at, String prevHash)
      implements NotifiesMerchant {
    @Override
    public WebhookEventType webhookType() {
      return WebhookEventType.CANCELLED;
    }
  }

  /**
   * One attempt to deliver a webhook event, and where the delivery stands after it: still
   * {@code PENDING} until {@code nextAttemptAt} (jitter already applied, so replay is deterministic),
   * {@code DELIVERED}, or {@code FAILED} (schedule exhausted, or the endpoint answered 410).
   * {@code statusCode} is null when no HTTP answer came; {@code error} is null on success.
   */
  record WebhookAttempted(
      UUID invoiceId,
      UUID webhookEventId,
      int attempt,
      Instant attemptedAt,
      Integer statusCode,
      String error,
      long durationMs,
      WebhookDelivery.Status outcome,
      Instant nextAttemptAt,
      Instant at,
      String prevHash,
      UUID endpointId)
      implements InvoiceEvent {
    /** {@code endpointId} is {@link WebhookDelivery#DEFAULT_ENDPOINT} in events written before endpoints existed. */
    public WebhookAttempted {
      endpointId = endpointId == null ? WebhookDelivery.DEFAULT_ENDPOINT : endpointId;
    }

    /** An attempt at the default endpoint. */
    public WebhookAttempted(UUID invoiceId, UUID webhookEventId, int attempt, Instant attemptedAt, Integer statusCode,
        String error, long durationMs, WebhookDelivery.Status outcome, Instant nextAttemptAt, Instant at,
        String prevHash) {
      this(invoiceId, webhookEventId, attempt, attemptedAt, statusCode, error, durationMs, outcome, nextAttemptAt, at,
          prevHash, WebhookDelivery.DEFAULT_ENDPOINT);
    }
  }

  /**
   * The webhook endpoints subscribed to a webhook event's type when it happened (besides the default
   * one): each gets its own pending delivery of the event, with the same event id.
   */
  record WebhookEndpointsResolved(
      UUID invoiceId, UUID webhookEventId, java.util.List<UUID> endpointIds, Instant at, String prevHash)
      implements InvoiceEvent {
    public WebhookEndpointsResolved {
      endpointIds = java.util.List.copyOf(endpointIds);
    }
  }

  /**
   * The merchant asked for the event again: its delivery to every endpoint is pending once more, with a
   * fresh retry schedule.
   */
  record WebhookRedeliveryRequested(UUID invoiceId, UUID webhookEventId, Instant at, String prevHash)
      implements InvoiceEvent {}
}
