package io.stablegate.persistence.audit;

import io.stablegate.engine.audit.EventHasher;
import io.stablegate.engine.audit.SettingsChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The hash-chained log of merchant settings changes. {@link #append} runs inside the caller's
 * transaction, so a settings change and its log entry commit together; the merchant's previous
 * entry is locked while the next one is linked to it.
 */
public final class SettingsChangeLog {

  /** A change as stored, with its place in the merchant's chain. */
  public record Entry(long seqNr, SettingsChange change, String hash) {}

  /**
   * Appends a change for {@code merchantId} on {@code connection} (in its transaction) and returns it.
   */
  public Entry append(Connection connection, UUID merchantId, SettingsChange.Kind kind, String subject,
      String oldValue, String newValue, String actor) throws SQLException {
    long seqNr = 0;
    String prevHash = EventHasher.GENESIS;
    // Serialises appends per merchant; the row lock of the last entry is not enough for the first one.
    try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
      lock.setString(1, "settings_changes:" + merchantId);
      lock.execute();
    }
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT seq_nr, hash FROM settings_changes WHERE merchant_id = ? ORDER BY seq_nr DESC LIMIT 1")) {
      ps.setObject(1, merchantId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          seqNr = rs.getLong(1);
          prevHash = rs.getString(2);
        }
      }
    }
    SettingsChange change = new SettingsChange(merchantId, kind, subject, oldValue, newValue, actor,
        Instant.now().truncatedTo(ChronoUnit.MILLIS), prevHash);
    String hash = EventHasher.hash(change);
    try (PreparedStatement ps = connection.prepareStatement("""
        INSERT INTO settings_changes (merchant_id, seq_nr, kind, subject, old_value, new_value, actor, at,
                                      prev_hash, hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
      ps.setObject(1, merchantId);
      ps.setLong(2, seqNr + 1);
      ps.setString(3, kind.name());
      ps.setString(4, subject);
      ps.setString(5, oldValue);
      ps.setString(6, newValue);
      ps.setString(7, actor);
      ps.setTimestamp(8, Timestamp.from(change.at()));
      ps.setString(9, prevHash);
      ps.setString(10, hash);
      ps.executeUpdate();
    }
    return new Entry(seqNr + 1, change, hash);
  }

  /** The merchant's changes, oldest first. */
  public List<Entry> list(Connection connection, UUID merchantId) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("""
        SELECT seq_nr, kind, subject, old_value, new_value, actor, at, prev_hash, hash
        FROM settings_changes WHERE merchant_id = ? ORDER BY seq_nr""")) {
      ps.setObject(1, merchantId);
      List<Entry> entries = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          SettingsChange change = new SettingsChange(merchantId, SettingsChange.Kind.valueOf(rs.getString(2)),
              rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
              rs.getTimestamp(7).toInstant(), rs.getString(8));
          entries.add(new Entry(rs.getLong(1), change, rs.getString(9)));
        }
      }
      return entries;
    }
  }
}
