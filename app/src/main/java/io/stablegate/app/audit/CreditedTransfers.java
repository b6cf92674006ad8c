package io.stablegate.app.audit;

import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.money.Chain;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every transfer credited so far, to prove that none credits two invoices or one invoice twice.
 *
 * <p>A journal holds about as many final transfers as invoices, so an in-memory set would grow with
 * the journal. The set lives instead in a temporary table of the audited database (PostgreSQL keeps
 * it per session, writes it to disk beyond {@code temp_buffers}, and drops it when the session ends;
 * nothing is written to the audited tables). Credits are sent in batches of {@code batchSize}, so
 * memory holds one batch and a replay costs one round trip per batch, not per transfer.
 *
 * <p>When one transfer is credited twice, the violation is the credit that is later in the journal's
 * global order: that is the one that should not have been written.
 */
final class CreditedTransfers implements AutoCloseable {
  private final Connection connection;
  private final int batchSize;
  private final Map<TransferKey, Credit> pending = new HashMap<>();
  private Violation pendingViolation;
  private long credited;

  CreditedTransfers(Connection connection, int batchSize) throws SQLException {
    this.connection = connection;
    this.batchSize = batchSize;
    connection.setAutoCommit(true);
    try (Statement st = connection.createStatement()) {
      st.execute("""
          CREATE TEMPORARY TABLE audit_credited_transfers (
            chain          TEXT NOT NULL,
            tx_hash        TEXT NOT NULL,
            log_index      INTEGER NOT NULL,
            persistence_id TEXT NOT NULL,
            seq_nr         BIGINT NOT NULL,
            ordering       BIGINT NOT NULL,
            PRIMARY KEY (chain, tx_hash, log_index)
          ) ON COMMIT PRESERVE ROWS""");
    }
  }

  /** Remembers a credit; a double credit within the unsent batch is noticed at once, others at {@link #flush}. */
  void add(Credit credit) {
    credited++;
    Credit earlier = pending.putIfAbsent(credit.transfer(), credit);
    if (earlier != null && pendingViolation == null) {
      pendingViolation = doubleCredit(earlier, credit);
    }
  }

  boolean batchFull() {
    return pending.size() >= batchSize;
  }

  long credited() {
    return credited;
  }

  /** Sends the pending batch; the first double credit found so far, if any. */
  Optional<Violation> flush() throws SQLException {
    if (pending.isEmpty()) {
      return Optional.ofNullable(pendingViolation);
    }
    List<Credit> batch = new ArrayList<>(pending.values());
    pending.clear();
    Set<TransferKey> inserted = new HashSet<>();
    try (PreparedStatement ps = connection.prepareStatement("""
        INSERT INTO audit_credited_transfers (chain, tx_hash, log_index, persistence_id, seq_nr, ordering)
        SELECT * FROM unnest(?::text[], ?::text[], ?::int[], ?::text[], ?::bigint[], ?::bigint[])
        ON CONFLICT DO NOTHING
        RETURNING chain, tx_hash, log_index""")) {
      ps.setArray(1, array("text", batch.stream().map(c -> c.transfer().chain().name()).toArray()));
      ps.setArray(2, array("text", batch.stream().map(c -> c.transfer().txHash()).toArray()));
      ps.setArray(3, array("int4", batch.stream().map(c -> c.transfer().logIndex()).toArray()));
      ps.setArray(4, array("text", batch.stream().map(Credit::persistenceId).toArray()));
      ps.setArray(5, array("int8", batch.stream().map(Credit::seqNr).toArray()));
      ps.setArray(6, array("int8", batch.stream().map(Credit::ordering).toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          inserted.add(new TransferKey(Chain.valueOf(rs.getString(1)), rs.getString(2),
              rs.getInt(3)));
        }
      }
    }
    List<Violation> found = new ArrayList<>();
    if (pendingViolation != null) {
      found.add(pendingViolation);
    }
    for (Credit credit : batch) {
      if (!inserted.contains(credit.transfer())) {
        found.add(doubleCredit(stored(credit.transfer()), credit));
      }
    }
    pendingViolation = found.isEmpty() ? null : found.get(0);
    return Optional.ofNullable(pendingViolation);
  }

  private Credit stored(TransferKey key) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT persistence_id, seq_nr, ordering FROM audit_credited_transfers "
            + "WHERE chain = ? AND tx_hash = ? AND log_index = ?")) {
      ps.setString(1, key.chain().name());
      ps.setString(2, key.txHash());
      ps.setInt(3, key.logIndex());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("credit of " + key + " neither inserted nor stored");
        }
        return new Credit(key, rs.getString(1), rs.getLong(2), rs.getLong(3));
      }
    }
  }

  private static Violation doubleCredit(Credit a, Credit b) {
    Credit first = a.ordering() <= b.ordering() ? a : b;
    Credit second = first == a ? b : a;
    String where = first.persistenceId().equals(second.persistenceId())
        ? "earlier in the same invoice (event " + first.seqNr() + ")"
        : "to " + first.persistenceId() + " (event " + first.seqNr() + ")";
    return new Violation(second.persistenceId(), second.seqNr(),
        "transfer " + second.transfer() + " credited again: it was already credited " + where);
  }

  private Array array(String type, Object[] values) throws SQLException {
    return connection.createArrayOf(type, values);
  }

  @Override
  public void close() throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute("DROP TABLE IF EXISTS audit_credited_transfers");
    }
  }
}
