package io.stablegate.app.audit;

import io.stablegate.engine.audit.EventHasher;
import io.stablegate.engine.audit.SettingsChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/**
 * Checks the hash chain of {@code settings_changes} (wallets, webhook URL, secrets, API key), per
 * merchant: sequence numbers 1, 2, 3… without gaps; each row's {@code prev_hash} is the hash of the
 * merchant's previous row (GENESIS for the first); each row's {@code hash} is the hash of its own
 * content. Rows are streamed with a cursor, one merchant's last hash in memory at a time.
 */
final class SettingsChangeReplay {

  /** What was replayed, and the first violation if any. */
  record Result(long merchants, long changes, Optional<Violation> violation) {}

  private final int fetchSize;

  SettingsChangeReplay(int fetchSize) {
    this.fetchSize = fetchSize;
  }

  Result run(Connection connection) throws SQLException {
    if (!tableExists(connection)) {
      return new Result(0, 0, Optional.empty());
    }
    boolean autoCommit = connection.getAutoCommit();
    // PostgreSQL streams a result set with a cursor only inside a transaction and with a fetch size.
    connection.setAutoCommit(false);
    try (PreparedStatement ps = connection.prepareStatement("""
        SELECT merchant_id, seq_nr, kind, subject, old_value, new_value, actor, at, prev_hash, hash
        FROM settings_changes ORDER BY merchant_id, seq_nr""")) {
      ps.setFetchSize(fetchSize);
      long merchants = 0;
      long changes = 0;
      UUID merchant = null;
      long lastSeqNr = 0;
      String lastHash = EventHasher.GENESIS;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          UUID merchantId = rs.getObject(1, UUID.class);
          if (!merchantId.equals(merchant)) {
            merchant = merchantId;
            merchants++;
            lastSeqNr = 0;
            lastHash = EventHasher.GENESIS;
          }
          changes++;
          long seqNr = rs.getLong(2);
          String id = "settings_changes|" + merchantId;
          if (seqNr != lastSeqNr + 1) {
            return new Result(merchants, changes, Optional.of(new Violation(id, lastSeqNr + 1,
                "change " + (lastSeqNr + 1) + " missing (next stored is " + seqNr + ")")));
          }
          SettingsChange change;
          try {
            change = new SettingsChange(merchantId, SettingsChange.Kind.valueOf(rs.getString(3)), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getTimestamp(8).toInstant(), rs.getString(9));
          } catch (IllegalArgumentException e) {
            return new Result(merchants, changes, Optional.of(new Violation(id, seqNr, "unknown kind " + rs.getString(3))));
          }
          if (!change.prevHash().equals(lastHash)) {
            return new Result(merchants, changes, Optional.of(new Violation(id, seqNr, seqNr == 1
                ? "prev_hash " + change.prevHash() + " does not start the chain (expected GENESIS)"
                : "prev_hash " + change.prevHash() + " does not link to change " + lastSeqNr + ", whose hash is "
                    + lastHash + " (one of the two was altered, or changes were removed or reordered)")));
          }
          String hash = EventHasher.hash(change);
          if (!hash.equals(rs.getString(10))) {
            return new Result(merchants, changes, Optional.of(new Violation(id, seqNr,
                "the stored hash " + rs.getString(10) + " is not the hash of the row's content (" + hash
                    + "): the row was altered")));
          }
          lastSeqNr = seqNr;
          lastHash = hash;
        }
      }
      return new Result(merchants, changes, Optional.empty());
    } finally {
      connection.rollback();
      connection.setAutoCommit(autoCommit);
    }
  }

  private static boolean tableExists(Connection connection) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT to_regclass('settings_changes') IS NOT NULL");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() && rs.getBoolean(1);
    }
  }
}
