package io.stablegate.persistence.webhook;

import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.persistence.projection.ReadSideProjections;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Starts the projection of invoice events into the webhook read tables: one exactly-once instance
 * per invoice tag slice, as the other read-side projections (its own projection id, so its offsets
 * are its own).
 */
public final class WebhookReadSide {

  private WebhookReadSide() {}

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    ReadSideProjections.start(system, dataSource, "webhook-deliveries", InvoiceEntity.tags(system),
        WebhookDeliveryProjectionHandler::new);
  }
}
