package io.stablegate.app.audit;

import com.typesafe.config.ConfigFactory;
import io.stablegate.persistence.db.DbCoordinates;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * Rows of {@code event_journal} read and written with plain SQL and the node's own serializers
 * (Jackson CBOR through Pekko's SerializationExtension): what a tamperer with database access does,
 * and how the benchmark writes a large journal exactly as the engine would.
 */
final class JournalRows implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final Serialization serialization;
  private final DbCoordinates db;

  JournalRows(DbCoordinates db) {
    this.db = db;
    this.system = ActorSystem.create(Behaviors.empty(), "journal-rows", ConfigFactory.parseString("""
            pekko.actor.provider = local
            pekko.coordinated-shutdown.exit-jvm = off
            """).withFallback(ConfigFactory.load()));
    this.serialization = SerializationExtension.get(system.classicSystem());
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(db.url(), db.user(), db.password());
  }

  /** A serialized event: what goes into event_ser_id, event_ser_manifest and event_payload. */
  record Serialized(int serializerId, String manifest, byte[] payload) {}

  Serialized serialize(Object event) {
    Serializer serializer = serialization.findSerializerFor(event);
    return new Serialized(serializer.identifier(), Serializers.manifestFor(serializer, event),
        serialization.serialize(event).get());
  }

  Object read(String persistenceId, long seqNr) throws SQLException {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT event_ser_id, event_ser_manifest, event_payload FROM event_journal "
            + "WHERE persistence_id = ? AND sequence_number = ?")) {
      ps.setString(1, persistenceId);
      ps.setLong(2, seqNr);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalArgumentException("no event " + persistenceId + " " + seqNr);
        }
        return serialization.deserialize(rs.getBytes(3), rs.getInt(1), rs.getString(2)).get();
      }
    }
  }

  /** Replaces the stored event in place (same row, same ordering). */
  void overwrite(String persistenceId, long seqNr, Object event) throws SQLException {
    Serialized s = serialize(event);
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
        "UPDATE event_journal SET event_ser_id = ?, event_ser_manifest = ?, event_payload = ? "
            + "WHERE persistence_id = ? AND sequence_number = ?")) {
      ps.setInt(1, s.serializerId());
      ps.setString(2, s.manifest());
      ps.setBytes(3, s.payload());
      ps.setString(4, persistenceId);
      ps.setLong(5, seqNr);
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException("no row " + persistenceId + " " + seqNr);
      }
    }
  }

  /** Appends an event as the journal would (a new row at the end of the global order). */
  void append(Connection c, String persistenceId, long seqNr, Object event) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      bind(ps, persistenceId, seqNr, event);
      ps.executeUpdate();
    }
  }

  static final String INSERT = """
      INSERT INTO event_journal (persistence_id, sequence_number, deleted, writer, write_timestamp,
                                 adapter_manifest, event_ser_id, event_ser_manifest, event_payload)
      VALUES (?, ?, false, 'journal-rows', ?, '', ?, ?, ?)""";

  void bind(PreparedStatement ps, String persistenceId, long seqNr, Object event) throws SQLException {
    Serialized s = serialize(event);
    ps.setString(1, persistenceId);
    ps.setLong(2, seqNr);
    ps.setLong(3, System.currentTimeMillis());
    ps.setInt(4, s.serializerId());
    ps.setString(5, s.manifest());
    ps.setBytes(6, s.payload());
  }

  /**
   * The sequence number of the first event of {@code type} in {@code persistenceId}'s journal: webhook
   * delivery runs on the node that wrote it, so its attempts fall between the other events as they came.
   */
  long seqNrOf(String persistenceId, Class<?> type) throws SQLException {
    long last = lastSeqNr(persistenceId);
    for (long seqNr = 1; seqNr <= last; seqNr++) {
      if (type.isInstance(read(persistenceId, seqNr))) {
        return seqNr;
      }
    }
    throw new IllegalArgumentException("no " + type.getSimpleName() + " in " + persistenceId);
  }

  long lastSeqNr(String persistenceId) throws SQLException {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT max(sequence_number) FROM event_journal WHERE persistence_id = ?")) {
      ps.setString(1, persistenceId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** A stored event in the journal's global order. */
  record Stored(long ordering, String persistenceId, long seqNr, Object event) {}

  java.util.List<Stored> all() throws SQLException {
    java.util.List<Stored> all = new java.util.ArrayList<>();
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT ordering, persistence_id, sequence_number, event_ser_id, event_ser_manifest, event_payload "
            + "FROM event_journal WHERE deleted = false ORDER BY ordering");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        all.add(new Stored(rs.getLong(1), rs.getString(2), rs.getLong(3),
            serialization.deserialize(rs.getBytes(6), rs.getInt(4), rs.getString(5)).get()));
      }
    }
    return all;
  }

  void execute(String sql, Object... params) throws SQLException {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }

  @Override
  public void close() {
    system.terminate();
  }
}
