package io.stablegate.persistence.projection;

import com.typesafe.config.Config;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.engine.ledger.WalletLedger;
import java.time.Duration;
import java.util.List;
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
 * Starts the projections that feed the read tables: one sharded daemon process per read table, one
 * instance per tag slice. Each instance takes the events in groups ({@code stablegate.projections}):
 * a group's rows and its offset commit share one transaction, so every event is still applied exactly
 * once, and under load one commit serves many events instead of one each.
 */
public final class ReadSideProjections {

  private ReadSideProjections() {}

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    start(system, dataSource, "invoices", InvoiceEntity.tags(system), InvoiceProjectionHandler::new);
    start(system, dataSource, "unmatched-transfers", WalletLedger.tags(system), UnmatchedTransferProjectionHandler::new);
  }

  /**
   * Runs {@code handler} over the events tagged with each of {@code tags} (an entity's projection
   * tags, one instance per tag), exactly once, in groups; the projection's id is {@code (name, tag)},
   * so each read table keeps its own offsets.
   */
  public static <E> void start(
      ActorSystem<?> system,
      DataSource dataSource,
      String name,
      List<String> tags,
      Supplier<JdbcHandler<EventEnvelope<E>, DataSourceJdbcSession>> handler) {
    Config config = system.settings().config().getConfig("stablegate.projections");
    int groupAfterEnvelopes = config.getInt("group-after-envelopes");
    Duration groupAfterDuration = config.getDuration("group-after-duration");
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        name + "-projection",
        tags.size(),
        index -> {
          String tag = tags.get(index);
          SourceProvider<Offset, EventEnvelope<E>> source =
              EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
          return ProjectionBehavior.create(JdbcProjection.groupedWithin(
                  ProjectionId.of(name, tag), source, () -> new DataSourceJdbcSession(dataSource),
                  () -> new InOrder<>(handler.get()), system)
              .withGroup(groupAfterEnvelopes, groupAfterDuration));
        },
        ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
  }

  /** A group of envelopes, applied one after the other by the per-event handler, in one transaction. */
  private static final class InOrder<E> extends JdbcHandler<List<EventEnvelope<E>>, DataSourceJdbcSession> {
    private final JdbcHandler<EventEnvelope<E>, DataSourceJdbcSession> each;

    InOrder(JdbcHandler<EventEnvelope<E>, DataSourceJdbcSession> each) {
      this.each = each;
    }

    @Override
    public void process(DataSourceJdbcSession session, List<EventEnvelope<E>> envelopes) throws Exception {
      for (EventEnvelope<E> envelope : envelopes) {
        each.process(session, envelope);
      }
    }
  }
}
