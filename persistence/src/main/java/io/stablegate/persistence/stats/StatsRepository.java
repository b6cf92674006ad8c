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
 * and token, counted and with their paid amounts summed, in one query over index-only range scans of
 * {@code invoices_stats}; the open unmatched transfers seen and the webhook deliveries that gave up in the
 * same range. Blocking JDBC.
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

  // One row per bucket (UTC, whole seconds: no daylight saving), each joined to its slice of the range by
  // an index-only range scan of invoices_stats. Grouping by the bucket series rather than by an expression
  // of created_at lets the planner see how few groups there are, so it hashes them instead of sorting
  // every row. Only live invoices count: test invoices (docs/api.md#test-mode) are left out.
  /** The aggregate's SQL (public so that the benchmark can show its plan). */
  public static final String GROUPS = """
      SELECT b.at, i.status, i.chain, i.token, count(*), sum(i.amount_paid)
      FROM generate_series(?::timestamptz, ?::timestamptz, make_interval(secs => ?::double precision)) AS b(at)
      JOIN invoices i ON i.merchant_id = ? AND i.livemode
                     AND i.created_at >= greatest(b.at, ?) AND i.created_at < least(b.at + make_interval(secs => ?::double precision), ?)
      GROUP BY 1, 2, 3, 4""";

  private static final String UNMATCHED_OPEN = """
      SELECT count(*) FROM unmatched_transfers t
      JOIN merchant_wallets w ON w.chain = t.chain AND w.address = t.to_address
      WHERE w.merchant_id = ? AND t.state = 'open' AND t.seen_at >= ? AND t.seen_at < ?""";

  // deliveries of the merchant's live invoices' events, and of its wallet ledgers' events ("chain:address")
  private static final String WEBHOOK_FAILURES = """
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
          long seconds = granularity.unit().getDuration().toSeconds();
          ps.setTimestamp(1, Timestamp.from(from.truncatedTo(granularity.unit())));
          ps.setTimestamp(2, Timestamp.from(to.minusNanos(1000).truncatedTo(granularity.unit())));
          ps.setLong(3, seconds);
          ps.setObject(4, merchantId);
          ps.setTimestamp(5, Timestamp.from(from));
          ps.setLong(6, seconds);
          ps.setTimestamp(7, Timestamp.from(to));
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

  private static long count(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
