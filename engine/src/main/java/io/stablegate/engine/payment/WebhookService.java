package io.stablegate.engine.payment;

import io.stablegate.engine.EngineSettings;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceCommand;
import io.stablegate.engine.invoice.InvoiceEntity;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The operations on webhook deliveries that go through the invoice entities: waking an invoice so
 * that its pending deliveries resume (the sweeper), and redelivering an event (the merchant).
 */
public final class WebhookService {
  private final ClusterSharding sharding;
  private final Duration askTimeout;

  public WebhookService(ActorSystem<?> system) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = EngineSettings.fromConfig(system.settings().config()).askTimeout();
  }

  public CompletionStage<Invoice> resume(UUID invoiceId) {
    return sharding.entityRefFor(InvoiceEntity.ENTITY_KEY, invoiceId.toString())
        .askWithStatus(InvoiceCommand.ResumeWebhooks::new, askTimeout);
  }

  /** Sends the event again, now, with a fresh retry schedule; fails if the invoice has no such event. */
  public CompletionStage<Invoice> redeliver(UUID invoiceId, UUID eventId) {
    return sharding.entityRefFor(InvoiceEntity.ENTITY_KEY, invoiceId.toString())
        .askWithStatus(reply -> new InvoiceCommand.RedeliverWebhook(eventId, reply), askTimeout);
  }
}
