package io.stablegate.persistence.projection;

import io.stablegate.persistence.projection.ParkedEnvelopes.Parked;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies parked envelopes again, after a fix: each one's event is read back from the journal (by
 * persistence id and sequence number) and given to its projection's handler, in a transaction that
 * also removes it from {@code parked_envelopes}. One that fails again stays parked with the new error
 * and its attempt count raised; the entity's later parked envelopes then wait too (their order
 * matters). A transient failure (the database away) stops the replay; run it again later.
 */
public final class ParkedReplay {
  private static final Logger log = LoggerFactory.getLogger(ParkedReplay.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  /** What a replay did: ids applied, ids that failed again or wait behind one that did. */
  public record Outcome(List<Long> replayed, List<Long> stillParked) {}

  private final ActorSystem<?> system;
  private final JdbcReadJournal journal;
  private final DataSource dataSource;
  private final Map<String, Supplier<? extends JdbcHandler<?, DataSourceJdbcSession>>> handlers;

  public ParkedReplay(
      ActorSystem<?> system,
      JdbcReadJournal journal,
      DataSource dataSource,
      Map<String, Supplier<? extends JdbcHandler<?, DataSourceJdbcSession>>> handlers) {
    this.system = system;
    this.journal = journal;
    this.dataSource = dataSource;
    this.handlers = handlers;
  }

  /**
   * Replays every parked envelope, oldest first. While a pass runs, the live projection may park more
   * envelopes behind an entity the pass is releasing (they saw its earlier envelopes still parked): a pass
   * that released something is followed by another over what is parked then, until one releases nothing
   * new. An entity whose envelope fails again keeps it and every later one parked.
   */
  public Outcome replayAll() throws Exception {
    List<Long> replayed = new ArrayList<>();
    List<Long> stillParked = new ArrayList<>();
    Set<Long> tried = new HashSet<>();
    Set<String> stuck = new HashSet<>();
    boolean released = true;
    while (released) {
      released = false;
      List<Parked> parked;
      try (Connection connection = dataSource.getConnection()) {
        parked = ParkedEnvelopes.list(connection);
      }
      for (Parked envelope : parked) {
        if (!tried.add(envelope.id())) {
          continue;
        }
        String entity = envelope.projection() + "/" + envelope.persistenceId();
        if (!stuck.contains(entity) && replay(envelope)) {
          replayed.add(envelope.id());
          released = true;
        } else {
          stuck.add(entity);
          stillParked.add(envelope.id());
        }
      }
    }
    return new Outcome(replayed, stillParked);
  }

  /**
   * Replays the parked envelope {@code id}; refused (an {@link IllegalArgumentException}) if there is
   * no such envelope, or an earlier envelope of the same entity is still parked (replay that first).
   */
  public Outcome replayOne(long id) throws Exception {
    Parked envelope;
    try (Connection connection = dataSource.getConnection()) {
      envelope = ParkedEnvelopes.find(connection, id)
          .orElseThrow(() -> new IllegalArgumentException("no parked envelope with id " + id));
      Optional<Parked> earlier = ParkedEnvelopes.earlier(connection, envelope);
      if (earlier.isPresent()) {
        throw new IllegalArgumentException("envelope " + earlier.get().id() + " of the same entity is parked before "
            + id + "; replay it first");
      }
    }
    return replay(envelope) ? new Outcome(List.of(id), List.of()) : new Outcome(List.of(), List.of(id));
  }

  /** True when applied (and removed); false when it failed deterministically again (and stays). */
  private boolean replay(Parked parked) throws Exception {
    Supplier<? extends JdbcHandler<?, DataSourceJdbcSession>> factory = handlers.get(parked.projection());
    if (factory == null) {
      throw new IllegalStateException("envelope " + parked.id() + " belongs to an unknown projection " + parked.projection());
    }
    @SuppressWarnings("unchecked")
    JdbcHandler<EventEnvelope<Object>, DataSourceJdbcSession> handler =
        (JdbcHandler<EventEnvelope<Object>, DataSourceJdbcSession>) factory.get();
    DataSourceJdbcSession session = new DataSourceJdbcSession(dataSource);
    try {
      handler.process(session, read(parked));
      session.withConnection(connection -> {
        ParkedEnvelopes.delete(connection, parked.id());
        return null;
      });
      session.commit();
      log.info("Replayed parked envelope {} ({} {} #{})", parked.id(), parked.projection(), parked.persistenceId(),
          parked.sequenceNr());
      return true;
    } catch (Exception e) {
      session.rollback();
      if (ProjectionFailure.of(e) == ProjectionFailure.TRANSIENT) {
        throw e;
      }
      session.withConnection(connection -> {
        ParkedEnvelopes.failedAgain(connection, parked.id(), ParkedEnvelopes.describe(e));
        return null;
      });
      session.commit();
      log.warn("Parked envelope {} ({} {} #{}) failed again: {}", parked.id(), parked.projection(),
          parked.persistenceId(), parked.sequenceNr(), e.toString());
      return false;
    } finally {
      session.close();
    }
  }

  private EventEnvelope<Object> read(Parked parked) throws Exception {
    List<org.apache.pekko.persistence.query.EventEnvelope> events = journal
        .currentEventsByPersistenceId(parked.persistenceId(), parked.sequenceNr(), parked.sequenceNr())
        .runWith(Sink.seq(), system)
        .toCompletableFuture()
        .get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    if (events.isEmpty()) {
      throw new IllegalStateException("the journal has no event " + parked.persistenceId() + " #" + parked.sequenceNr());
    }
    org.apache.pekko.persistence.query.EventEnvelope event = events.get(0);
    return EventEnvelope.create(event.offset(), event.persistenceId(), event.sequenceNr(), event.event(),
        event.timestamp());
  }
}
