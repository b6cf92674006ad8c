package io.stablegate.engine.webhook;

import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceCommand;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The entity whose journal holds a webhook event and its delivery: an invoice for the invoice
 * events, a wallet ledger for {@code transfer.unmatched}. A {@link WebhookDeliveryActor} is its child
 * and keeps no state of its own: it reads the delivery from the owner and has the owner persist
 * every attempt.
 */
public interface DeliveryOwner {

  /** For logs: {@code invoice <id>}, {@code wallet ledger <id>}. */
  String describe();

  /** The delivery as the owner's state holds it; empty if it has no such event. */
  CompletionStage<Optional<WebhookDelivery>> load(UUID eventId);

  /** Persists attempt {@code attempt}; completes with the delivery afterwards. */
  CompletionStage<WebhookDelivery> record(UUID eventId, int attempt, AttemptResult result);

  /** The merchant to deliver to; empty if none (for now). */
  CompletionStage<Optional<UUID>> merchantId();

  /** An invoice entity as the owner of its deliveries. */
  static DeliveryOwner invoice(ActorRef<InvoiceCommand> invoice, UUID invoiceId, UUID merchantId, Duration timeout,
      Scheduler scheduler) {
    return new DeliveryOwner() {
      @Override
      public String describe() {
        return "invoice " + invoiceId;
      }

      @Override
      public CompletionStage<Optional<WebhookDelivery>> load(UUID eventId) {
        return AskPattern.<InvoiceCommand, Invoice>askWithStatus(invoice, InvoiceCommand.Get::new, timeout, scheduler)
            .thenApply(loaded -> loaded.webhook(eventId));
      }

      @Override
      public CompletionStage<WebhookDelivery> record(UUID eventId, int attempt, AttemptResult result) {
        return AskPattern.<InvoiceCommand, Invoice>askWithStatus(invoice,
                replyTo -> new InvoiceCommand.RecordWebhookAttempt(eventId, attempt, result, replyTo), timeout,
                scheduler)
            .thenApply(recorded -> recorded.webhook(eventId).orElseThrow());
      }

      @Override
      public CompletionStage<Optional<UUID>> merchantId() {
        return CompletableFuture.completedFuture(Optional.of(merchantId));
      }
    };
  }
}
