package io.stablegate.persistence.webhook;

import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.persistence.projection.DataSourceJdbcSession;
import io.stablegate.persistence.projection.ReadSideProjections;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Starts the projection of invoice events into the webhook read tables: one exactly-once instance
 * per invoice tag slice, as the other read-side projections (its own projection id, so its offsets
 * are its own).
 */
public final class WebhookReadSide {

  private WebhookReadSide() {}

  /** The projection's name (its offsets' and parked envelopes' key). */
  public static final String WEBHOOK_DELIVERIES = "webhook-deliveries";

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    ReadSideProjections.start(system, dataSource, WEBHOOK_DELIVERIES, InvoiceEntity.tags(system),
        WebhookDeliveryProjectionHandler::new);
  }

  /** The per-event handler, by projection name: what a replay of parked envelopes applies. */
  public static Map<String, Supplier<? extends JdbcHandler<?, DataSourceJdbcSession>>> handlers() {
    return Map.of(WEBHOOK_DELIVERIES, WebhookDeliveryProjectionHandler::new);
  }
}
