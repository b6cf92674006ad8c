package io.stablegate.persistence.webhook;

import io.stablegate.engine.payment.WebhookService;
import io.stablegate.engine.webhook.WebhookDeliverySettings;
import io.stablegate.persistence.sweep.DueInvoiceSweeper;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Wakes invoices whose webhook delivery is due. A waiting delivery lives in its invoice entity, and
 * an entity sleeps (passivation) or vanishes with its node; nobody else would ask it again. So every
 * {@code sweep-interval} the due pending deliveries are read from the {@code webhook_deliveries} read
 * table and their invoices sent {@code ResumeWebhooks}, which recovers the entity (on whichever node
 * hosts it now) and restarts its delivery actors. An awake invoice whose actor is at work ignores it.
 */
public final class WebhookDeliverySweeper {

  private WebhookDeliverySweeper() {}

  public static void init(ActorSystem<?> system, WebhookDeliveryRepository deliveries, WebhookService service,
      Clock clock) {
    WebhookDeliverySettings settings = WebhookDeliverySettings.fromConfig(system.settings().config());
    DueInvoiceSweeper.init(system, "webhook-delivery-sweeper", settings.sweepInterval(), settings.sweepBatchSize(),
        clock, deliveries::invoicesWithDueDeliveries, service::resume);
  }
}
