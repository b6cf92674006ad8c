package io.stablegate.persistence.projection;

import io.stablegate.engine.invoice.InvoiceSettings;
import io.stablegate.engine.ledger.LedgerSettings;
import java.util.Optional;
import java.util.function.Supplier;
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
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Starts the projections that feed the read tables: one sharded daemon process per entity type, one
 * instance per tag slice, each exactly-once (the row and the offset commit share a transaction).
 */
public final class ReadSideProjections {

  private ReadSideProjections() {}

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    InvoiceSettings invoices = InvoiceSettings.fromConfig(system.settings().config());
    LedgerSettings ledgers = LedgerSettings.fromConfig(system.settings().config());
    start(system, dataSource, "invoices", "invoice-", invoices.tagCount(), InvoiceProjectionHandler::new);
    start(system, dataSource, "unmatched-transfers", "ledger-", ledgers.tagCount(),
        UnmatchedTransferProjectionHandler::new);
  }

  private static <E> void start(
      ActorSystem<?> system,
      DataSource dataSource,
      String name,
      String tagPrefix,
      int slices,
      Supplier<JdbcHandler<EventEnvelope<E>, DataSourceJdbcSession>> handler) {
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        name + "-projection",
        slices,
        index -> {
          String tag = tagPrefix + index;
          SourceProvider<Offset, EventEnvelope<E>> source =
              EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
          return ProjectionBehavior.create(JdbcProjection.exactlyOnce(
              ProjectionId.of(name, tag), source, () -> new DataSourceJdbcSession(dataSource), handler, system));
        },
        ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
  }
}
