package io.stablegate.persistence.stats;

import java.math.BigDecimal;
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
import javax.sql.DataSource;

/**
 * The merchant overview's aggregates over the read side (GET /api/v1/stats): the merchant's live
 * invoices created in {@code [from, to)} grouped by {@code granularity} bucket (UTC), status, chain
 * and token, counted and with their paid amounts summed; the open unmatched transfers seen and the
 * webhook deliveries that gave up in the same range. The whole UTC hours of the range are read from the
 * rollup {@code invoice_stats_hourly} (one row per hour and group, kept by the invoice projection:
 * {@link io.stablegate.persistence.projection.StatsRollup}), the part of an hour at either end of a range
 * that does not start or end on the hour from the {@code invoices} table (an index-only range scan of
 * {@code invoices_stats}), in one query; so its cost grows with the hours asked for, not with the
 * invoices in them. Blocking JDBC.
 */
public final class StatsRepository {

  /** A bucket's size. */
  public enum Granularity {
    DAY(ChronoUnit.DAYS), HOUR(ChronoUnit.HOURS);

    private final ChronoUnit unit;

    Granularity(ChronoUnit unit) {
      this.unit = unit;
    }

    public ChronoUnit unit() {
      return unit;
    }
  }

  /** One group: invoices created in the bucket starting {@code at}, in {@code status}, on a chain and token. */
  public record Group(Instant at, String status, String chain, String token, long count, BigDecimal amountPaid) {}

  public record Aggregates(List<Group> groups, long unmatchedOpen, long webhookFailures) {}

  // The rollup's whole hours in [hoursFrom, hoursTo), and the invoices themselves in the two slices of the range
  // outside them ([from, hoursFrom) and [hoursTo, to), empty when the range starts or ends on the hour), each
  // row binned to its bucket: date_bin on absolute time from the epoch, so UTC days and hours whatever the
  // session's time zone. Groups every invoice has left are in the rollup with 0 and skipped. Only live
  // invoices count: test invoices (docs/api.md#test-mode) are left out.
  /** The aggregate's SQL (public so that the benchmark can show its plan); bind it with {@link #bind}. */
  public static final String GROUPS = """
      SELECT date_bin(make_interval(secs => ?), g.at, TIMESTAMPTZ '1970-01-01 00:00:00+00'),
             g.status, g.chain, g.token, sum(g.invoices)::bigint, sum(g.amount_paid)
      FROM (SELECT r.hour AS at, r.status, r.chain, r.token, r.invoices, r.amount_paid
            FROM invoice_stats_hourly r
            WHERE r.merchant_id = ? AND r.livemode AND r.hour >= ? AND r.hour < ?
            UNION ALL
            SELECT i.created_at, i.status, i.chain, i.token, 1, i.amount_paid
            FROM invoices i
            WHERE i.merchant_id = ? AND i.livemode AND i.created_at >= ? AND i.created_at < ?
            UNION ALL
            SELECT i.created_at, i.status, i.chain, i.token, 1, i.amount_paid
            FROM invoices i
            WHERE i.merchant_id = ? AND i.livemode AND i.created_at >= ? AND i.created_at < ?) g
      GROUP BY 1, 2, 3, 4
      HAVING sum(g.invoices) > 0""";

  /** The open unmatched transfers to the merchant's wallets (public, as {@link #GROUPS}): merchant, from, to. */
  public static final String UNMATCHED_OPEN = """
      SELECT count(*) FROM unmatched_transfers t
      JOIN merchant_wallets w ON w.chain = t.chain AND w.address = t.to_address
      WHERE w.merchant_id = ? AND t.state = 'open' AND t.seen_at >= ? AND t.seen_at < ?""";

  // deliveries of the merchant's live invoices' events, and of its wallet ledgers' events ("chain:address")
  /** The webhook deliveries that gave up (public, as {@link #GROUPS}): from, to, merchant, merchant. */
  public static final String WEBHOOK_FAILURES = """
      SELECT count(*) FROM webhook_deliveries d
      WHERE d.status = 'FAILED' AND d.created_at >= ? AND d.created_at < ?
        AND (EXISTS (SELECT 1 FROM invoices i WHERE i.id = d.invoice_id AND i.merchant_id = ? AND i.livemode)
             OR EXISTS (SELECT 1 FROM merchant_wallets w
                        WHERE w.merchant_id = ? AND d.ledger_id = w.chain || ':' || w.address))""";

  private final DataSource dataSource;

  public StatsRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public Aggregates aggregate(UUID merchantId, Instant from, Instant to, Granularity granularity)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      List<Group> groups = new ArrayList<>();
      if (from.isBefore(to)) {
        try (PreparedStatement ps = c.prepareStatement(GROUPS)) {
          bind(ps, merchantId, from, to, granularity);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              Instant at = rs.getTimestamp(1).toInstant();
              groups.add(new Group(at, rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                  rs.getBigDecimal(6)));
            }
          }
        }
      }
      long unmatched;
      try (PreparedStatement ps = c.prepareStatement(UNMATCHED_OPEN)) {
        ps.setObject(1, merchantId);
        ps.setTimestamp(2, Timestamp.from(from));
        ps.setTimestamp(3, Timestamp.from(to));
        unmatched = count(ps);
      }
      long failures;
      try (PreparedStatement ps = c.prepareStatement(WEBHOOK_FAILURES)) {
        ps.setTimestamp(1, Timestamp.from(from));
        ps.setTimestamp(2, Timestamp.from(to));
        ps.setObject(3, merchantId);
        ps.setObject(4, merchantId);
        failures = count(ps);
      }
      return new Aggregates(groups, unmatched, failures);
    }
  }

  /**
   * Binds {@link #GROUPS} for the merchant's {@code [from, to)} ({@code from} before {@code to}): the whole
   * hours inside it from the rollup, the rest from the invoices.
   */
  public static void bind(PreparedStatement ps, UUID merchantId, Instant from, Instant to, Granularity granularity)
      throws SQLException {
    // the first and the last whole hour's bounds; none when the range does not hold a whole hour
    Instant hoursFrom = from.truncatedTo(ChronoUnit.HOURS);
    if (hoursFrom.isBefore(from)) {
      hoursFrom = hoursFrom.plus(1, ChronoUnit.HOURS);
    }
    Instant hoursTo = to.truncatedTo(ChronoUnit.HOURS);
    if (!hoursFrom.isBefore(hoursTo)) {
      hoursFrom = to;
      hoursTo = to;
    }
    ps.setLong(1, granularity.unit().getDuration().toSeconds());
    ps.setObject(2, merchantId);
    ps.setTimestamp(3, Timestamp.from(hoursFrom));
    ps.setTimestamp(4, Timestamp.from(hoursTo));
    ps.setObject(5, merchantId);
    ps.setTimestamp(6, Timestamp.from(from));
    ps.setTimestamp(7, Timestamp.from(hoursFrom));
    ps.setObject(8, merchantId);
    ps.setTimestamp(9, Timestamp.from(hoursTo));
    ps.setTimestamp(10, Timestamp.from(to));
  }

  private static long count(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
