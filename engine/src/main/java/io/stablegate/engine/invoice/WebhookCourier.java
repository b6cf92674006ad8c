package io.stablegate.engine.invoice;

import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * Carries an invoice's webhook events to the merchant. The invoice entity keeps every delivery and
 * its place in the retry schedule in its state, and starts one courier, a child actor, per pending
 * delivery (after the event, after recovery, on {@link InvoiceCommand.ResumeWebhooks}). The courier
 * asks the invoice where the delivery stands ({@link InvoiceCommand.Get}), waits for the attempt's
 * slot, sends, and has the invoice persist the outcome ({@link InvoiceCommand.RecordWebhookAttempt}).
 * How a request is sent is not the invoice's business: the node supplies the courier
 * (the payment package's delivery actor, over the webhook transport).
 */
@FunctionalInterface
public interface WebhookCourier {

  /** What a courier understands. Its own internal messages implement this too. */
  interface Message {}

  /** The delivery changed (a redelivery): read it again and wait for its new slot. */
  enum Reload implements Message { INSTANCE }

  /**
   * The courier of webhook event {@code eventId} of the invoice {@code invoice} to endpoint
   * {@code endpointId} ({@link WebhookDelivery#DEFAULT_ENDPOINT} for the merchant's default one; that
   * courier first has the event's other endpoints resolved, {@link InvoiceCommand.ResolveWebhookEndpoints}).
   */
  Behavior<Message> deliver(ActorRef<InvoiceCommand> invoice, UUID invoiceId, UUID merchantId, UUID eventId,
      UUID endpointId);
}
