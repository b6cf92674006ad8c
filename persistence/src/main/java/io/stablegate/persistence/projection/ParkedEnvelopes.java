package io.stablegate.persistence.projection;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.projection.eventsourced.EventEnvelope;

/**
 * The {@code parked_envelopes} table: envelopes a projection could not apply for a deterministic
 * reason ({@link ProjectionFailure}), kept with their error until an operator replays them
 * ({@link ParkedReplay}). Every method runs on the caller's connection, inside the caller's transaction.
 */
public final class ParkedEnvelopes {
  /** Longest error text kept; a stack of causes can be long, the first lines say what happened. */
  private static final int MAX_ERROR_LENGTH = 2000;

  /** One parked envelope, as listed by {@code stablegate projections parked}. */
  public record Parked(
      long id,
      String projection,
      String tag,
      String persistenceId,
      long sequenceNr,
      long offset,
      String eventType,
      String error,
      int attempts,
      Instant parkedAt,
      Instant lastAttemptAt) {}

  private ParkedEnvelopes() {}

  /** Parks {@code envelope}; parking it again (a replay that failed) updates its error and count. */
  static void park(Connection connection, String projection, String tag, EventEnvelope<?> envelope, String error)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("""
        INSERT INTO parked_envelopes (projection, tag, persistence_id, sequence_nr, event_offset, event_type, error,
                                      attempts, parked_at, last_attempt_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, 1, now(), now())
        ON CONFLICT (projection, persistence_id, sequence_nr)
        DO UPDATE SET error = EXCLUDED.error, attempts = parked_envelopes.attempts + 1, last_attempt_at = now()""")) {
      ps.setString(1, projection);
      ps.setString(2, tag);
      ps.setString(3, envelope.persistenceId());
      ps.setLong(4, envelope.sequenceNr());
      ps.setLong(5, offsetOf(envelope.offset()));
      ps.setString(6, envelope.event() == null ? "null" : envelope.event().getClass().getSimpleName());
      ps.setString(7, error);
      ps.executeUpdate();
    }
  }

  /** Of {@code persistenceIds}, those that have an envelope parked in {@code projection}. */
  static Set<String> parkedEntities(Connection connection, String projection, Collection<String> persistenceIds)
      throws SQLException {
    Set<String> parked = new HashSet<>();
    Array ids = connection.createArrayOf("varchar", persistenceIds.toArray());
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT DISTINCT persistence_id FROM parked_envelopes WHERE projection = ? AND persistence_id = ANY(?)")) {
      ps.setString(1, projection);
      ps.setArray(2, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          parked.add(rs.getString(1));
        }
      }
    } finally {
      ids.free();
    }
    return parked;
  }

  /** Every parked envelope, oldest first (the order a replay applies them in). */
  public static List<Parked> list(Connection connection) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(SELECT + " ORDER BY id")) {
      return read(ps);
    }
  }

  public static Optional<Parked> find(Connection connection, long id) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(SELECT + " WHERE id = ?")) {
      ps.setLong(1, id);
      return read(ps).stream().findFirst();
    }
  }

  /** The oldest envelope of the same entity and projection parked before {@code parked}, if any. */
  static Optional<Parked> earlier(Connection connection, Parked parked) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        SELECT + " WHERE projection = ? AND persistence_id = ? AND id < ? ORDER BY id LIMIT 1")) {
      ps.setString(1, parked.projection());
      ps.setString(2, parked.persistenceId());
      ps.setLong(3, parked.id());
      return read(ps).stream().findFirst();
    }
  }

  static void delete(Connection connection, long id) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("DELETE FROM parked_envelopes WHERE id = ?")) {
      ps.setLong(1, id);
      ps.executeUpdate();
    }
  }

  static void failedAgain(Connection connection, long id, String error) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        "UPDATE parked_envelopes SET error = ?, attempts = attempts + 1, last_attempt_at = now() WHERE id = ?")) {
      ps.setString(1, error);
      ps.setLong(2, id);
      ps.executeUpdate();
    }
  }

  /**
   * The failure as stored: each cause's class and message, sanitized so that the row itself can be
   * written (a U+0000 or a lone surrogate in a message becomes U+FFFD) and cut to a bounded length.
   */
  static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null && text.length() < MAX_ERROR_LENGTH; t = t.getCause() == t ? null : t.getCause()) {
      if (!text.isEmpty()) {
        text.append("; caused by ");
      }
      text.append(t.getClass().getName());
      if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
        text.append(" [SQLState ").append(sql.getSQLState()).append(']');
      }
      if (t.getMessage() != null) {
        text.append(": ").append(t.getMessage());
      }
    }
    return sanitize(text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text.toString());
  }

  static String sanitize(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\u0000') {
        out.append('\uFFFD');
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.append(c).append(text.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append('\uFFFD');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  static long offsetOf(Offset offset) {
    return offset instanceof Sequence sequence ? sequence.value() : 0L;
  }

  private static final String SELECT = """
      SELECT id, projection, tag, persistence_id, sequence_nr, event_offset, event_type, error, attempts, parked_at,
             last_attempt_at
      FROM parked_envelopes""";

  private static List<Parked> read(PreparedStatement ps) throws SQLException {
    List<Parked> rows = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(new Parked(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
            rs.getLong(6), rs.getString(7), rs.getString(8), rs.getInt(9), instant(rs.getTimestamp(10)),
            instant(rs.getTimestamp(11))));
      }
    }
    return rows;
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp.toInstant();
  }
}
