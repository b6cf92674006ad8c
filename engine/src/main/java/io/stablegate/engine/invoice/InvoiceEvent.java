package io.stablegate.engine.invoice;

import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.credit.PaymentSource;
import io.stablegate.engine.audit.HashChained;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Price;
import io.stablegate.engine.money.Token;
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
   * so they stay as they are; Java code goes through {@link #of} and {@link #draft()}. A fiat-priced
   * invoice also carries its {@code price}, the {@code rate} (currency per one token) from
   * {@code rateSource} fetched at {@code rateAt}: amount = price / rate rounded up to 2 decimals, so an
   * auditor recomputes it from this event alone. The four are null for invoices asked in the token and
   * in every event written before prices existed (null fields are left out of the hash: old hashes hold).
   * {@code token} is the stablecoin the invoice is in, written only when it is not USDT: a USDT invoice's
   * creation encodes exactly as every one journaled before tokens did (null = USDT). {@code testMode}
   * is true for a test invoice and null (absent) for a live one, so live creations encode as before.
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
      Price price,
      BigDecimal rate,
      String rateSource,
      Instant rateAt,
      Token token,
      Instant at,
      String prevHash,
      BigDecimal underpaymentTolerancePercent,
      String redirectUrl,
      Boolean testMode)
      implements InvoiceEvent {

    /**
     * An invoice asked in USDT, as written before prices, tokens, tolerances and redirect URLs: none of
     * those fields (null fields are left out of the hash, so those events keep their hashes).
     */
    public InvoiceCreated(UUID invoiceId, UUID merchantId, Chain chain, String address, BigDecimal amount,
        BigDecimal payAmount, String orderId, String description, String metadataJson, Instant expiresAt,
        int requiredConfirmations, Instant at, String prevHash) {
      this(invoiceId, merchantId, chain, address, amount, payAmount, orderId, description, metadataJson, expiresAt,
          requiredConfirmations, null, null, null, null, null, at, prevHash, null, null, null);
    }

    /** As written before tokens were a term: no token field (USDT). */
    public InvoiceCreated(UUID invoiceId, UUID merchantId, Chain chain, String address, BigDecimal amount,
        BigDecimal payAmount, String orderId, String description, String metadataJson, Instant expiresAt,
        int requiredConfirmations, Price price, BigDecimal rate, String rateSource, Instant rateAt, Instant at,
        String prevHash) {
      this(invoiceId, merchantId, chain, address, amount, payAmount, orderId, description, metadataJson, expiresAt,
          requiredConfirmations, price, rate, rateSource, rateAt, null, at, prevHash, null, null, null);
    }

    public static InvoiceCreated of(UUID invoiceId, InvoiceDraft draft, Instant at, String prevHash) {
      InvoiceTerms t = draft.terms();
      return new InvoiceCreated(invoiceId, t.merchantId(), t.chain(), t.address(), t.amount(), draft.payAmount(),
          t.orderId(), t.description(), t.metadataJson(), t.expiresAt(), draft.requiredConfirmations(), t.price(),
          t.rate(), t.rateSource(), t.rateAt(), t.token() == Token.USDT ? null : t.token(), at, prevHash,
          draft.underpaymentTolerancePercent().signum() == 0 ? null : draft.underpaymentTolerancePercent(),
          t.redirectUrl(), t.testMode() ? Boolean.TRUE : null);
    }

    public InvoiceDraft draft() {
      return new InvoiceDraft(new InvoiceTerms(merchantId, chain, address, amount, orderId, description, metadataJson,
          expiresAt, redirectUrl, price, rate, rateSource, rateAt, token, Boolean.TRUE.equals(testMode)), payAmount,
          requiredConfirmations,
          underpaymentTolerancePercent);
    }
  }

  /**
   * A transfer the wallet ledger routed to this invoice was seen in a block; not final yet. {@code
   * source} is {@code MATCHED} (exactly the payAmount; null in journals written before sources) or
   * {@code TOLERANCE} (within the tolerance window below what was due).
   */
  record PaymentDetected(
      UUID invoiceId, Transfer transfer, int confirmations, UUID webhookEventId, Instant at, String prevHash,
      PaymentSource source)
      implements NotifiesMerchant {
    public PaymentDetected(UUID invoiceId, Transfer transfer, int confirmations, UUID webhookEventId, Instant at,
        String prevHash) {
      this(invoiceId, transfer, confirmations, webhookEventId, at, prevHash, null);
    }

    public PaymentSource sourceOrMatched() {
      return source == null ? PaymentSource.MATCHED : source;
    }

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

  /**
   * Credits cover what was due; {@code late} when the invoice had expired or been cancelled; {@code
   * underpaid} (null in older journals: false) when the last credit was below what was due but within
   * the tolerance.
   */
  record InvoicePaid(
      UUID invoiceId, BigDecimal amountPaid, boolean late, UUID webhookEventId, Instant at, String prevHash,
      Boolean underpaid)
      implements NotifiesMerchant {
    public InvoicePaid(UUID invoiceId, BigDecimal amountPaid, boolean late, UUID webhookEventId, Instant at,
        String prevHash) {
      this(invoiceId, amountPaid, late, webhookEventId, at, prevHash, null);
    }

    public boolean wasUnderpaid() {
      return Boolean.TRUE.equals(underpaid);
    }

    @Override
    public WebhookEventType webhookType() {
      return late ? WebhookEventType.PAID_LATE : WebhookEventType.PAID;
    }
  }

  /**
   * The merchant credited an unmatched transfer to this invoice: a final payment ({@code source:
   * ATTACHED}) attributed to {@code attachedBy}. {@code amountDue} is what remains due afterwards
   * ({@code 0} when the credit covers it, under the tolerance); the status change, if any, follows as
   * its own event ({@link InvoicePaid}, {@link InvoicePartiallyPaid}, {@link InvoiceOverpaid}).
   */
  record PaymentAttached(
      UUID invoiceId, Transfer transfer, Attribution attachedBy, BigDecimal amountDue, Instant at, String prevHash)
      implements InvoiceEvent {}

  /**
   * An attached credit was not enough: the invoice waits for {@code amountDue} at the fresh {@code
   * payAmount} (the remainder plus a unique offset, allocated by the wallet ledger).
   */
  record InvoicePartiallyPaid(
      UUID invoiceId, BigDecimal amountPaid, BigDecimal amountDue, BigDecimal payAmount, UUID webhookEventId,
      Instant at, String prevHash)
      implements NotifiesMerchant {
    @Override
    public WebhookEventType webhookType() {
      return WebhookEventType.PARTIALLY_PAID;
    }
  }

  /** A credit went beyond what was due, or came when the invoice was already PAID. */
  record InvoiceOverpaid(UUID invoiceId, BigDecimal amountPaid, UUID webhookEventId, Instant at, String prevHash)
      implements NotifiesMerchant {
    @Override
    public WebhookEventType webhookType() {
      return WebhookEventType.OVERPAID;
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
