package io.stablegate.persistence.webhook;

import io.stablegate.engine.invoice.InvoiceEvent;
import io.stablegate.engine.invoice.InvoiceSettings;
import io.stablegate.persistence.projection.DataSourceJdbcSession;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Starts the projection of invoice events into the webhook read tables: one exactly-once instance
 * per invoice tag slice, as the other read-side projections (its own projection id, so its offsets
 * are its own).
 */
public final class WebhookReadSide {

  private WebhookReadSide() {}

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    int slices = InvoiceSettings.fromConfig(system.settings().config()).tagCount();
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        "webhook-deliveries-projection",
        slices,
        index -> {
          String tag = "invoice-" + index;
          SourceProvider<Offset, EventEnvelope<InvoiceEvent>> source =
              EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
          return ProjectionBehavior.create(JdbcProjection.exactlyOnce(
              ProjectionId.of("webhook-deliveries", tag), source, () -> new DataSourceJdbcSession(dataSource),
              WebhookDeliveryProjectionHandler::new, system));
        },
        ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
  }
}
