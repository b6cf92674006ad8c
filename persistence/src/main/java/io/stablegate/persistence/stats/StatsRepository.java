package io.stablegate.persistence.stats;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The merchant overview's aggregates over the read side (GET /api/v1/stats): the merchant's live
 * invoices created in {@code [from, to)} grouped by {@code granularity} bucket (UTC), status, chain
 * and token, counted and with their paid amounts summed, in one index-only scan of {@code
 * invoices_stats}; the open unmatched transfers seen and the webhook deliveries that gave up in the
 * same range. Blocking JDBC.
 */
public final class StatsRepository {

  /** A bucket's size: PostgreSQL's {@code date_trunc} field. */
  public enum Granularity { DAY, HOUR }

  /** One group: invoices created in the bucket starting {@code at}, in {@code status}, on a chain and token. */
  public record Group(Instant at, String status, String chain, String token, long count, BigDecimal amountPaid) {}

  public record Aggregates(List<Group> groups, long unmatchedOpen, long webhookFailures) {}

  // Only live invoices count: test invoices (docs/api.md#test-mode) are left out.
  private static final String GROUPS = """
      SELECT date_trunc(?, created_at AT TIME ZONE 'UTC') AS bucket, status, chain, token, count(*), sum(amount_paid)
      FROM invoices
      WHERE merchant_id = ? AND created_at >= ? AND created_at < ?
        AND livemode
      GROUP BY 1, 2, 3, 4
      ORDER BY 1""";

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
      try (PreparedStatement ps = c.prepareStatement(GROUPS)) {
        ps.setString(1, granularity.name().toLowerCase(java.util.Locale.ROOT));
        ps.setObject(2, merchantId);
        ps.setTimestamp(3, Timestamp.from(from));
        ps.setTimestamp(4, Timestamp.from(to));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Instant at = rs.getObject(1, java.time.LocalDateTime.class).toInstant(ZoneOffset.UTC);
            groups.add(new Group(at, rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getBigDecimal(6)));
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
