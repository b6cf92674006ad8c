package io.stablegate.persistence.testing;

import io.stablegate.persistence.stats.StatsRepository;
import io.stablegate.persistence.stats.StatsRepository.Granularity;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The stats aggregate computed straight from the {@code invoices} table, as GET /api/v1/stats did before the
 * rollup (buckets from {@code generate_series}, each joined to its slice of the range): the reference the
 * rollup's answer must equal, and the "before" of the benchmark.
 */
public final class DirectStats {
  private DirectStats() {}

  /** The aggregate of every invoice created in {@code [from, to)}, straight from the invoices. */
  public static final String GROUPS = """
      SELECT b.at, i.status, i.chain, i.token, count(*), sum(i.amount_paid)
      FROM generate_series(?::timestamptz, ?::timestamptz, make_interval(secs => ?::double precision)) AS b(at)
      JOIN invoices i ON i.merchant_id = ? AND i.livemode
                     AND i.created_at >= greatest(b.at, ?) AND i.created_at < least(b.at + make_interval(secs => ?::double precision), ?)
      GROUP BY 1, 2, 3, 4""";

  public static void bind(PreparedStatement ps, UUID merchantId, Instant from, Instant to, Granularity granularity)
      throws SQLException {
    long seconds = granularity.unit().getDuration().toSeconds();
    ps.setTimestamp(1, Timestamp.from(from.truncatedTo(granularity.unit())));
    ps.setTimestamp(2, Timestamp.from(to.minusNanos(1000).truncatedTo(granularity.unit())));
    ps.setLong(3, seconds);
    ps.setObject(4, merchantId);
    ps.setTimestamp(5, Timestamp.from(from));
    ps.setLong(6, seconds);
    ps.setTimestamp(7, Timestamp.from(to));
  }

  /** "bucket status chain token" → "count amount" (amount without trailing zeros), from the invoices. */
  public static Map<String, String> direct(Connection c, UUID merchantId, Instant from, Instant to,
      Granularity granularity) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(GROUPS)) {
      bind(ps, merchantId, from, to, granularity);
      return groups(ps);
    }
  }

  /** The same, from the node's own query ({@link StatsRepository#GROUPS}, the rollup and the range's ends). */
  public static Map<String, String> node(Connection c, UUID merchantId, Instant from, Instant to,
      Granularity granularity) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(StatsRepository.GROUPS)) {
      StatsRepository.bind(ps, merchantId, from, to, granularity);
      return groups(ps);
    }
  }

  private static Map<String, String> groups(PreparedStatement ps) throws SQLException {
    Map<String, String> groups = new TreeMap<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        BigDecimal amount = rs.getBigDecimal(6);
        groups.put(rs.getTimestamp(1).toInstant() + " " + rs.getString(2) + " " + rs.getString(3) + " "
                + rs.getString(4),
            rs.getLong(5) + " " + (amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString()));
      }
    }
    return groups;
  }
}
