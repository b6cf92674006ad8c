package io.stablegate.persistence.projection;

import com.typesafe.config.Config;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.engine.ledger.WalletLedger;
import io.micrometer.core.instrument.Metrics;
import java.sql.Connection;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the projections that feed the read tables: one sharded daemon process per read table, one
 * instance per tag slice. Each instance takes the events in groups ({@code stablegate.projections}):
 * a group's rows and its offset commit share one transaction, so every event is still applied exactly
 * once, and under load one commit serves many events instead of one each.
 */
public final class ReadSideProjections {

  /** The projection feeding the {@code invoices} table. */
  public static final String INVOICES = "invoices";
  /** The projection feeding the {@code unmatched_transfers} table. */
  public static final String UNMATCHED_TRANSFERS = "unmatched-transfers";

  private ReadSideProjections() {}

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    start(system, dataSource, INVOICES, InvoiceEntity.tags(system), InvoiceProjectionHandler::new);
    start(system, dataSource, UNMATCHED_TRANSFERS, WalletLedger.tags(system), UnmatchedTransferProjectionHandler::new);
  }

  /** The per-event handlers of the projections this class starts, by name: what a replay applies. */
  public static Map<String, Supplier<? extends JdbcHandler<?, DataSourceJdbcSession>>> handlers() {
    return Map.of(INVOICES, InvoiceProjectionHandler::new, UNMATCHED_TRANSFERS, UnmatchedTransferProjectionHandler::new);
  }

  /**
   * Runs {@code handler} over the events tagged with each of {@code tags} (an entity's projection
   * tags, one instance per tag), exactly once, in groups; the projection's id is {@code (name, tag)},
   * so each read table keeps its own offsets. An envelope the handler fails on deterministically is
   * parked ({@link ParkingGroup}), not retried.
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
                  () -> new ParkingGroup<>(name, tag, handler.get()), system)
              .withGroup(groupAfterEnvelopes, groupAfterDuration));
        },
        ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
  }

  /**
   * A group of envelopes, applied one after the other by the per-event handler, in one transaction
   * (which also holds the projection's new offset, saved before this runs).
   *
   * <p>One envelope must not stop the slice: when the handler fails on one for a deterministic reason
   * ({@link ProjectionFailure}), the group's work is rolled back to the savepoint taken after the
   * offset, the envelope is parked in {@code parked_envelopes} (counted in
   * {@code stablegate_projection_parked_total}, logged once), and the group is applied again without
   * it. Later envelopes of the same entity are parked behind it, so that a replay applies the
   * entity's events in order. A transient failure (the database away) fails the group as before:
   * nothing is committed and the projection restarts with backoff ({@code pekko.projection.restart-backoff}).
   * Without failures this costs one savepoint and one indexed lookup per group.
   */
  static final class ParkingGroup<E> extends JdbcHandler<List<EventEnvelope<E>>, DataSourceJdbcSession> {
    private static final Logger log = LoggerFactory.getLogger(ParkingGroup.class);

    private final String projection;
    private final String tag;
    private final JdbcHandler<EventEnvelope<E>, DataSourceJdbcSession> each;

    ParkingGroup(String projection, String tag, JdbcHandler<EventEnvelope<E>, DataSourceJdbcSession> each) {
      this.projection = projection;
      this.tag = tag;
      this.each = each;
    }

    @Override
    public void process(DataSourceJdbcSession session, List<EventEnvelope<E>> envelopes) throws Exception {
      Set<String> entities = new HashSet<>();
      envelopes.forEach(envelope -> entities.add(envelope.persistenceId()));
      Set<String> alreadyParked =
          session.withConnection(connection -> ParkedEnvelopes.parkedEntities(connection, projection, entities));
      Savepoint start = session.withConnection(Connection::setSavepoint);
      // index in the group -> why it is parked (its own failure, or an earlier envelope of its entity)
      Map<Integer, Parking> parking = new TreeMap<>();
      while (true) {
        Set<String> blocked = new HashSet<>(alreadyParked);
        int at = -1;
        try {
          for (int i = 0; i < envelopes.size(); i++) {
            at = i;
            EventEnvelope<E> envelope = envelopes.get(i);
            if (!parking.containsKey(i) && blocked.contains(envelope.persistenceId())) {
              parking.put(i, Parking.behind());
            }
            if (parking.containsKey(i)) {
              blocked.add(envelope.persistenceId());
              continue;
            }
            each.process(session, envelope);
          }
          break;
        } catch (Exception e) {
          if (ProjectionFailure.of(e) == ProjectionFailure.TRANSIENT || at < 0) {
            throw e;
          }
          session.rollbackTo(start);
          parking.put(at, Parking.failed(e));
        }
      }
      for (Map.Entry<Integer, Parking> entry : parking.entrySet()) {
        park(session, envelopes.get(entry.getKey()), entry.getValue());
      }
    }

    private void park(DataSourceJdbcSession session, EventEnvelope<E> envelope, Parking parking) throws Exception {
      String error = parking.failure() == null
          ? "parked behind an earlier parked event of the same entity"
          : ParkedEnvelopes.describe(parking.failure());
      session.withConnection(connection -> {
        ParkedEnvelopes.park(connection, projection, tag, envelope, error);
        return null;
      });
      // stablegate_projection_parked_total{projection, reason="failed"|"behind"}
      Metrics.counter("stablegate.projection.parked", "projection", projection,
          "reason", parking.failure() == null ? "behind" : "failed").increment();
      String event = envelope.event() == null ? "null" : envelope.event().getClass().getSimpleName();
      if (parking.failure() == null) {
        log.warn("Projection {} ({}) parked {} #{} ({}) behind an earlier parked event of the same entity",
            projection, tag, envelope.persistenceId(), envelope.sequenceNr(), event);
      } else {
        log.error("Projection {} ({}) parked {} #{} ({}) and moved on: the handler failed with an error that a "
                + "retry cannot cure. `stablegate projections parked` lists it, `stablegate projections replay` "
                + "applies it after a fix (docs/operations.md)",
            projection, tag, envelope.persistenceId(), envelope.sequenceNr(), event, parking.failure());
      }
    }

    /** Why an envelope is parked: {@code failure} null means behind an earlier one of its entity. */
    private record Parking(Throwable failure) {
      static Parking behind() {
        return new Parking(null);
      }

      static Parking failed(Throwable failure) {
        return new Parking(failure);
      }
    }
  }
}
