package io.stablegate.app.audit;

import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Every transfer credited, to prove that none credits two invoices or one invoice twice.
 *
 * <p>A journal holds about as many final transfers as invoices, so an in-memory set would grow with
 * the journal. The set lives instead in a temporary table of the audited database (PostgreSQL keeps
 * it per session, writes it to disk beyond {@code temp_buffers}, and drops it when the session ends;
 * nothing is written to the audited tables). Credits are sent in batches of {@code batchSize}, so
 * memory holds one batch and a replay costs one round trip per batch, not per transfer. A full
 * batch is sent by a thread of its own while the next one fills (one batch in flight at a time, in
 * order), so the replay does not wait for the database.
 *
 * <p>When one transfer is credited more than once, every credit but the earliest in the journal's
 * global order is a violation: those are the ones that should not have been written. The table
 * keeps the earliest credit seen so far, so the violations found are the same whatever order the
 * invoices are replayed in. The table also keeps what each credit says the transfer was, for
 * {@code verify --onchain} to read back ({@link #forEach}).
 */
final class CreditedTransfers implements AutoCloseable {
  private final Connection connection;
  private final int batchSize;
  private final Consumer<Violation> violations;
  private Map<TransferKey, Credit> pending = new HashMap<>();
  private long credited;
  private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "audit-credits");
    thread.setDaemon(true);
    return thread;
  });
  /** The batch being stored, if any. */
  private Future<?> inFlight;

  CreditedTransfers(Connection connection, int batchSize, Consumer<Violation> violations) throws SQLException {
    this.connection = connection;
    this.batchSize = batchSize;
    this.violations = violations;
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
            recipient      TEXT NOT NULL,
            amount         NUMERIC NOT NULL,
            block_number   BIGINT NOT NULL,
            block_hash     TEXT NOT NULL,
            token          TEXT NOT NULL,
            PRIMARY KEY (chain, tx_hash, log_index)
          ) ON COMMIT PRESERVE ROWS""");
    }
  }

  /** Remembers a credit; a double credit within the unsent batch is reported at once, others at {@link #flush}. */
  void add(Credit credit) throws SQLException {
    credited++;
    Credit earlier = pending.get(credit.transfer());
    if (earlier == null) {
      pending.put(credit.transfer(), credit);
    } else {
      violations.accept(doubleCredit(earlier, credit));
      if (credit.ordering() < earlier.ordering()) {
        pending.put(credit.transfer(), credit);
      }
    }
    if (pending.size() >= batchSize) {
      send();
    }
  }

  /** Hands the pending batch to the sender once the previous batch is stored. */
  private void send() throws SQLException {
    awaitInFlight();
    if (pending.isEmpty()) {
      return;
    }
    List<Credit> batch = new ArrayList<>(pending.values());
    pending = new HashMap<>();
    inFlight = sender.submit(() -> {
      store(batch);
      return null;
    });
  }

  private void awaitInFlight() throws SQLException {
    if (inFlight == null) {
      return;
    }
    try {
      inFlight.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while storing credited transfers", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof SQLException sql ? sql : new SQLException(e.getCause());
    } finally {
      inFlight = null;
    }
  }

  long credited() {
    return credited;
  }

  /** Stores every credit added so far; the table is complete when this returns. */
  void flush() throws SQLException {
    send();
    awaitInFlight();
  }

  /**
   * Stores a batch. The statement reads the credits already stored for the batch's transfers and
   * upserts the batch (keeping the earlier credit) in one round trip; both see the table as it was
   * before the statement.
   */
  private void store(List<Credit> batch) throws SQLException {
    Map<TransferKey, Credit> byKey = new HashMap<>();
    batch.forEach(c -> byKey.put(c.transfer(), c));
    try (PreparedStatement ps = connection.prepareStatement("""
        WITH batch AS (
          SELECT * FROM unnest(?::text[], ?::text[], ?::int[], ?::text[], ?::bigint[], ?::bigint[], ?::text[],
            ?::numeric[], ?::bigint[], ?::text[], ?::text[])
            AS b(chain, tx_hash, log_index, persistence_id, seq_nr, ordering, recipient, amount, block_number,
              block_hash, token)),
        stored AS (
          SELECT t.* FROM audit_credited_transfers t JOIN batch b USING (chain, tx_hash, log_index)),
        upsert AS (
          INSERT INTO audit_credited_transfers SELECT * FROM batch
          ON CONFLICT (chain, tx_hash, log_index) DO UPDATE SET persistence_id = excluded.persistence_id,
            seq_nr = excluded.seq_nr, ordering = excluded.ordering, recipient = excluded.recipient,
            amount = excluded.amount, block_number = excluded.block_number, block_hash = excluded.block_hash,
            token = excluded.token
          WHERE excluded.ordering < audit_credited_transfers.ordering)
        SELECT * FROM stored""")) {
      ps.setArray(1, array("text", batch.stream().map(c -> c.transfer().chain().name()).toArray()));
      ps.setArray(2, array("text", batch.stream().map(c -> c.transfer().txHash()).toArray()));
      ps.setArray(3, array("int4", batch.stream().map(c -> c.transfer().logIndex()).toArray()));
      ps.setArray(4, array("text", batch.stream().map(Credit::persistenceId).toArray()));
      ps.setArray(5, array("int8", batch.stream().map(Credit::seqNr).toArray()));
      ps.setArray(6, array("int8", batch.stream().map(Credit::ordering).toArray()));
      ps.setArray(7, array("text", batch.stream().map(Credit::to).toArray()));
      ps.setArray(8, array("numeric", batch.stream().map(Credit::amount).toArray()));
      ps.setArray(9, array("int8", batch.stream().map(Credit::blockNumber).toArray()));
      ps.setArray(10, array("text", batch.stream().map(Credit::blockHash).toArray()));
      ps.setArray(11, array("text", batch.stream().map(c -> c.token().name()).toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Credit stored = read(rs);
          violations.accept(doubleCredit(stored, byKey.get(stored.transfer())));
        }
      }
    }
  }

  /** Every credit kept (the earliest of each transfer), by chain, persistence id and sequence number. */
  void forEach(int fetchSize, SqlConsumer<Credit> action) throws SQLException {
    flush();
    connection.setAutoCommit(false);
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT * FROM audit_credited_transfers ORDER BY chain, persistence_id, seq_nr")) {
      ps.setFetchSize(fetchSize);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          action.accept(read(rs));
        }
      }
    } finally {
      connection.commit();
      connection.setAutoCommit(true);
    }
  }

  @FunctionalInterface
  interface SqlConsumer<T> {
    void accept(T t) throws SQLException;
  }

  private static Credit read(ResultSet rs) throws SQLException {
    return new Credit(new TransferKey(Chain.valueOf(rs.getString("chain")), rs.getString("tx_hash"),
        rs.getInt("log_index")), rs.getString("persistence_id"), rs.getLong("seq_nr"), rs.getLong("ordering"),
        rs.getString("recipient"), rs.getBigDecimal("amount"), rs.getLong("block_number"),
        rs.getString("block_hash"), Token.valueOf(rs.getString("token")));
  }

  /**
   * The later of two credits of one transfer. Which earlier credit it met depends on the order the
   * invoices were replayed in, so the message does not name it; {@link #explain} names the earliest,
   * which is the same in every order, once the whole journal is in the table.
   */
  private static Violation doubleCredit(Credit a, Credit b) {
    Credit later = a.ordering() <= b.ordering() ? b : a;
    return new Violation(later.persistenceId(), later.seqNr(),
        "transfer " + later.transfer() + " credited again", Optional.of(later.transfer()));
  }

  /** {@code violation} with the transfer's earliest credit named, if it is a double credit. */
  Violation explain(Violation violation) throws SQLException {
    if (violation.doubleCredit().isEmpty()) {
      return violation;
    }
    flush();
    TransferKey key = violation.doubleCredit().get();
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT * FROM audit_credited_transfers WHERE chain = ? AND tx_hash = ? AND log_index = ?")) {
      ps.setString(1, key.chain().name());
      ps.setString(2, key.txHash());
      ps.setInt(3, key.logIndex());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return violation;
        }
        Credit first = read(rs);
        String where = first.persistenceId().equals(violation.persistenceId())
            ? "earlier in the same invoice (event " + first.seqNr() + ")"
            : "to " + first.persistenceId() + " (event " + first.seqNr() + ")";
        return new Violation(violation.persistenceId(), violation.seqNr(),
            violation.message() + ": it was already credited " + where, violation.doubleCredit());
      }
    }
  }

  private Array array(String type, Object[] values) throws SQLException {
    return connection.createArrayOf(type, values);
  }

  @Override
  public void close() throws SQLException {
    try {
      awaitInFlight();
    } finally {
      sender.shutdownNow();
    }
    connection.setAutoCommit(true);
    try (Statement st = connection.createStatement()) {
      st.execute("DROP TABLE IF EXISTS audit_credited_transfers");
    }
  }
}
