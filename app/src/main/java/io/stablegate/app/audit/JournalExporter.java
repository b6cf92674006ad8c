package io.stablegate.app.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.stablegate.engine.audit.EventHasher;
import io.stablegate.engine.audit.HashChained;
import io.stablegate.engine.invoice.InvoiceEvent;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCreated;
import io.stablegate.engine.ledger.WalletLedgerEvent;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * {@code audit export}: the journal's events in its global order ({@code ordering}), each with its
 * hash, streamed row by row from {@code event_journal} (a cursor, {@code fetchSize} rows at a time)
 * and decoded with the node's own serializers.
 *
 * <p>Each event is written in the canonical JSON that {@link EventHasher} hashes, so anyone can
 * recompute {@code hash} = SHA-256 of {@code {"event":<event>,"type":"<type>"}} without this code.
 * Invoice events carry {@code prevHash} and {@code hash}; wallet-ledger events (not hash-chained)
 * have neither. The window {@code [from, to)} applies to each event's own time ({@code at}, which
 * the hash covers). With a merchant, only that merchant's invoices' events are written.
 */
final class JournalExporter {

  enum Format { CSV, JSON_LINES }

  static final String CSV_HEADER = "ordering,persistence_id,seq_nr,written_at,type,at,prev_hash,hash,event";

  private final AuditDatabase database;
  private final int fetchSize;
  private final Serialization serialization;
  private final JsonFactory json = new JsonFactory();

  JournalExporter(AuditDatabase database, int fetchSize) {
    this.database = database;
    this.fetchSize = fetchSize;
    this.serialization = SerializationExtension.get(database.system().classicSystem());
  }

  /** Writes the events and returns how many. */
  long export(Instant from, Instant to, Format format, Optional<UUID> merchant, Writer out)
      throws SQLException, IOException {
    try (Connection connection = database.connect()) {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      Optional<Set<String>> merchantInvoices = merchant.isPresent()
          ? Optional.of(invoicesOf(connection, merchant.get()))
          : Optional.empty();
      if (format == Format.CSV) {
        out.write(CSV_HEADER + "\n");
      }
      long written = 0;
      try (PreparedStatement ps = connection.prepareStatement("""
          SELECT ordering, persistence_id, sequence_number, write_timestamp, event_ser_id, event_ser_manifest,
                 event_payload
          FROM event_journal WHERE deleted = false ORDER BY ordering""")) {
        ps.setFetchSize(fetchSize);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String persistenceId = rs.getString(2);
            if (merchantInvoices.isPresent() && !merchantInvoices.get().contains(persistenceId)) {
              continue;
            }
            Object event = decode(rs.getBytes(7), rs.getInt(5), rs.getString(6));
            Optional<Instant> at = timeOf(event);
            if (at.isEmpty() || at.get().isBefore(from) || !at.get().isBefore(to)) {
              continue;
            }
            long writeTimestamp = rs.getLong(4);
            Row row = new Row(rs.getLong(1), persistenceId, rs.getLong(3),
                rs.wasNull() ? null : Instant.ofEpochMilli(writeTimestamp), event, at.get());
            out.write(format == Format.CSV ? row.csv() : row.json(json));
            written++;
          }
        }
      } finally {
        connection.rollback();
      }
      out.flush();
      return written;
    }
  }

  /** The persistence ids of the merchant's invoices, from their InvoiceCreated events. */
  private Set<String> invoicesOf(Connection connection, UUID merchant) throws SQLException {
    Set<String> ids = new HashSet<>();
    try (PreparedStatement ps = connection.prepareStatement("""
        SELECT persistence_id, event_ser_id, event_ser_manifest, event_payload FROM event_journal
        WHERE sequence_number = 1 AND deleted = false AND persistence_id LIKE ?""")) {
      ps.setFetchSize(fetchSize);
      ps.setString(1, InvoiceReplay.PERSISTENCE_ID_PREFIX + "%");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (decode(rs.getBytes(4), rs.getInt(2), rs.getString(3)) instanceof InvoiceCreated created
              && created.merchantId().equals(merchant)) {
            ids.add(rs.getString(1));
          }
        }
      }
    }
    return ids;
  }

  private Object decode(byte[] payload, int serializerId, String manifest) {
    return serialization.deserialize(payload, serializerId, manifest).get();
  }

  private static Optional<Instant> timeOf(Object event) {
    return switch (event) {
      case InvoiceEvent e -> Optional.of(e.at());
      case WalletLedgerEvent e -> Optional.of(e.at());
      default -> Optional.empty();
    };
  }

  /** One exported event. */
  private record Row(long ordering, String persistenceId, long seqNr, Instant writtenAt, Object event, Instant at) {

    String type() {
      return event.getClass().getSimpleName();
    }

    String prevHash() {
      return event instanceof HashChained chained ? chained.prevHash() : null;
    }

    String hash() {
      return event instanceof HashChained ? EventHasher.hash(event) : null;
    }

    /** The event's part of its canonical encoding: {@code {"event":X,"type":"T"}} gives X. */
    String canonicalEvent() {
      String canonical = new String(EventHasher.canonicalBytes(event), StandardCharsets.UTF_8);
      String prefix = "{\"event\":";
      String suffix = ",\"type\":\"" + type() + "\"}";
      if (!canonical.startsWith(prefix) || !canonical.endsWith(suffix)) {
        throw new IllegalStateException("unexpected canonical encoding of " + type());
      }
      return canonical.substring(prefix.length(), canonical.length() - suffix.length());
    }

    String json(JsonFactory factory) throws IOException {
      StringWriter line = new StringWriter();
      try (JsonGenerator g = factory.createGenerator(line)) {
        g.writeStartObject();
        g.writeNumberField("ordering", ordering);
        g.writeStringField("persistenceId", persistenceId);
        g.writeNumberField("seqNr", seqNr);
        g.writeStringField("writtenAt", writtenAt == null ? null : writtenAt.toString());
        g.writeStringField("type", type());
        g.writeStringField("at", at.toString());
        g.writeStringField("prevHash", prevHash());
        g.writeStringField("hash", hash());
        g.writeFieldName("event");
        g.writeRawValue(canonicalEvent());
        g.writeEndObject();
      }
      return line.append('\n').toString();
    }

    String csv() {
      return String.join(",", String.valueOf(ordering), csvField(persistenceId), String.valueOf(seqNr),
          writtenAt == null ? "" : writtenAt.toString(), type(), at.toString(), nullToEmpty(prevHash()),
          nullToEmpty(hash()), csvField(canonicalEvent())) + "\n";
    }

    private static String nullToEmpty(String s) {
      return s == null ? "" : s;
    }

    /** RFC 4180: quoted, inner quotes doubled. */
    private static String csvField(String s) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
  }
}
