package io.stablegate.engine.invoice;

import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.credit.PaymentSource;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.serialization.CborSerializable;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * What an invoice entity is asked to do. Every command replies with the invoice as it stands
 * afterwards, or a {@link StatusReply#error} that persisted nothing. The chain-side commands are
 * idempotent: repeating one leaves the invoice as it is.
 */
public sealed interface InvoiceCommand extends CborSerializable {

  ActorRef<StatusReply<Invoice>> replyTo();

  /** Creates the invoice; repeating it with the same draft returns the existing invoice. */
  record Create(InvoiceDraft draft, ActorRef<StatusReply<Invoice>> replyTo) implements InvoiceCommand {}

  record Get(ActorRef<StatusReply<Invoice>> replyTo) implements InvoiceCommand {}

  /** The merchant cancels; only a PENDING invoice can be. */
  record Cancel(ActorRef<StatusReply<Invoice>> replyTo) implements InvoiceCommand {}

  /** Sent by the expiry sweeper: expires the invoice if it is PENDING and its time is up. */
  record Expire(ActorRef<StatusReply<Invoice>> replyTo) implements InvoiceCommand {}

  /**
   * A transfer to the invoice's address was seen, routed here by the wallet ledger: exactly the
   * payAmount ({@code MATCHED}, also when {@code source} is null) or within the tolerance window
   * below what is due ({@code TOLERANCE}).
   */
  record RecordPayment(Transfer transfer, int confirmations, PaymentSource source,
      ActorRef<StatusReply<Invoice>> replyTo) implements InvoiceCommand {
    public RecordPayment(Transfer transfer, int confirmations, ActorRef<StatusReply<Invoice>> replyTo) {
      this(transfer, confirmations, PaymentSource.MATCHED, replyTo);
    }
  }

  /**
   * Credit a final, unmatched transfer the merchant attached (its ledger has marked it attached to
   * this invoice). When the credit leaves a remainder on an open invoice, {@code remainderPayAmount}
   * must be the payAmount the wallet ledger allocated for exactly {@code remainder} (see {@link
   * CreditRule}); if the invoice has moved on meanwhile, it refuses and the caller plans again.
   * Repeating it for a transfer already credited changes nothing.
   */
  record AttachPayment(Transfer transfer, Attribution attachedBy, java.math.BigDecimal remainder,
      java.math.BigDecimal remainderPayAmount, ActorRef<StatusReply<Invoice>> replyTo) implements InvoiceCommand {}

  record UpdateConfirmations(TransferKey transfer, int confirmations, ActorRef<StatusReply<Invoice>> replyTo)
      implements InvoiceCommand {}

  /** The payment's block has the required confirmations and is still canonical. */
  record ConfirmPayment(TransferKey transfer, int confirmations, ActorRef<StatusReply<Invoice>> replyTo)
      implements InvoiceCommand {}

  /** The payment's block left the canonical chain. */
  record RevertPayment(TransferKey transfer, ActorRef<StatusReply<Invoice>> replyTo) implements InvoiceCommand {}

  /**
   * Sent by the invoice's own {@link WebhookCourier}: records attempt number {@code attempt} of a webhook
   * event. Only the next attempt number is recorded; a repeat (the actor restarted after sending)
   * persists nothing.
   */
  record RecordWebhookAttempt(UUID webhookEventId, UUID endpointId, int attempt, WebhookAttempt result,
      ActorRef<StatusReply<Invoice>> replyTo) implements InvoiceCommand {
    /** An attempt at the default endpoint. */
    public RecordWebhookAttempt(UUID webhookEventId, int attempt, WebhookAttempt result,
        ActorRef<StatusReply<Invoice>> replyTo) {
      this(webhookEventId, WebhookDelivery.DEFAULT_ENDPOINT, attempt, result, replyTo);
    }
  }

  /**
   * Sent by the courier of an event's default delivery before its first attempt: the merchant's
   * other endpoints subscribed to the event's type. Recorded once; a repeat persists nothing.
   */
  record ResolveWebhookEndpoints(UUID webhookEventId, java.util.List<UUID> endpointIds,
      ActorRef<StatusReply<Invoice>> replyTo) implements InvoiceCommand {}

  /** Sent by the delivery sweeper: (re)starts a courier for every pending webhook event. */
  record ResumeWebhooks(ActorRef<StatusReply<Invoice>> replyTo) implements InvoiceCommand {}

  /** The merchant asks for a webhook event again. */
  record RedeliverWebhook(UUID webhookEventId, ActorRef<StatusReply<Invoice>> replyTo) implements InvoiceCommand {}
}
