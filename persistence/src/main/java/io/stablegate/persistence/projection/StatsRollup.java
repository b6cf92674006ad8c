package io.stablegate.persistence.projection;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One transaction's changes to {@code invoice_stats_hourly}, the stats rollup (migration V051): the
 * invoice projection adds an inserted {@code invoices} row to its group and moves a changed row's
 * contribution from its old group to its new one, from the row's stored values (so the rollup always
 * equals the aggregate of the table, whatever an event did to the row, and a redelivered creation that
 * inserts nothing adds nothing). The changes are summed per group in memory and written when the
 * transaction commits ({@link DataSourceJdbcSession#commit()}), one upsert per group touched, in one
 * fixed order: a group of 200 creations of a merchant's hour is one row written, and two projection
 * slices that touch the same groups lock them in the same order, so they wait for each other but never
 * deadlock.
 */
public final class StatsRollup {

  /** A group of the rollup: the merchant's (live or test) invoices created in the UTC hour {@code hour}. */
  public record Key(UUID merchantId, boolean livemode, Instant hour, String status, String chain, String token) {
    static Key of(UUID merchantId, boolean livemode, Instant createdAt, String status, String chain, String token) {
      return new Key(merchantId, livemode, createdAt.truncatedTo(ChronoUnit.HOURS), status, chain, token);
    }
  }

  private static final Comparator<Key> ORDER = Comparator.comparing(Key::merchantId)
      .thenComparing(Key::livemode)
      .thenComparing(Key::hour)
      .thenComparing(Key::status)
      .thenComparing(Key::chain)
      .thenComparing(Key::token);

  private static final String UPSERT = """
      INSERT INTO invoice_stats_hourly AS r (merchant_id, livemode, hour, status, chain, token, invoices, amount_paid)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (merchant_id, livemode, hour, status, chain, token)
      DO UPDATE SET invoices = r.invoices + EXCLUDED.invoices, amount_paid = r.amount_paid + EXCLUDED.amount_paid""";

  /**
   * Recomputes the whole rollup from the {@code invoices} table, holding off the projection's writes
   * meanwhile (a SHARE lock on {@code invoices}): what migration V051 did for the rows it found. For rows
   * written by other means than the projection (a bulk load) and after a rolling update from a version
   * without the rollup (docs/operations.md).
   */
  public static final String REBUILD = """
      LOCK TABLE invoices IN SHARE MODE;
      DELETE FROM invoice_stats_hourly;
      INSERT INTO invoice_stats_hourly (merchant_id, livemode, hour, status, chain, token, invoices, amount_paid)
      SELECT merchant_id, livemode, date_bin(interval '1 hour', created_at, TIMESTAMPTZ '1970-01-01 00:00:00+00'),
             status, chain, token, count(*), sum(amount_paid)
      FROM invoices
      GROUP BY 1, 2, 3, 4, 5, 6""";

  private record Change(long invoices, BigDecimal amountPaid) {
    Change plus(long n, BigDecimal amount) {
      return new Change(invoices + n, amountPaid.add(amount));
    }
  }

  private final Map<Key, Change> pending = new TreeMap<>(ORDER);

  /** Adds an inserted row to its group. */
  void added(Key key, BigDecimal amountPaid) {
    change(key, 1, amountPaid);
  }

  /** Moves a row from the group {@code from} with {@code paidBefore} to the group {@code to} with {@code paidAfter}. */
  void moved(Key from, BigDecimal paidBefore, Key to, BigDecimal paidAfter) {
    if (from.equals(to) && paidBefore.compareTo(paidAfter) == 0) {
      return;
    }
    change(from, -1, paidBefore.negate());
    change(to, 1, paidAfter);
  }

  private void change(Key key, long invoices, BigDecimal amountPaid) {
    pending.merge(key, new Change(invoices, amountPaid), (a, b) -> a.plus(b.invoices(), b.amountPaid()));
  }

  /** Nothing to write. */
  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** Forgets the changes (their transaction, or the part of it that made them, was rolled back). */
  void clear() {
    pending.clear();
  }

  /** Writes the changes in the caller's transaction, in the order of the rollup's key, and forgets them. */
  void flush(Connection connection) throws SQLException {
    boolean any = false;
    try (PreparedStatement ps = connection.prepareStatement(UPSERT)) {
      for (Map.Entry<Key, Change> entry : pending.entrySet()) {
        Change change = entry.getValue();
        if (change.invoices() == 0 && change.amountPaid().signum() == 0) {
          continue; // moved out and back within the transaction
        }
        Key key = entry.getKey();
        ps.setObject(1, key.merchantId());
        ps.setBoolean(2, key.livemode());
        ps.setObject(3, OffsetDateTime.ofInstant(key.hour(), ZoneOffset.UTC));
        ps.setString(4, key.status());
        ps.setString(5, key.chain());
        ps.setString(6, key.token());
        ps.setLong(7, change.invoices());
        ps.setBigDecimal(8, change.amountPaid());
        ps.addBatch();
        any = true;
      }
      if (any) {
        ps.executeBatch();
      }
    }
    pending.clear();
  }

  /** Runs {@link #REBUILD} in the caller's transaction (commit it after). */
  public static void rebuild(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute(REBUILD);
    }
  }
}
