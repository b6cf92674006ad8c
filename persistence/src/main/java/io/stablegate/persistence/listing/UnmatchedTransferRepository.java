package io.stablegate.persistence.listing;

import io.stablegate.engine.money.Chain;
import io.stablegate.persistence.projection.ReadModelJson;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Final transfers to a merchant's wallets that paid no invoice: {@code unmatched_transfers} joined to
 * the merchant's current wallets, in one state ({@code open}, {@code attached}, {@code dismissed}),
 * newest first, keyset-paginated. Blocking JDBC.
 */
public final class UnmatchedTransferRepository {

  /** A payer's claim that the transfer pays {@code invoiceId}. */
  public record Claim(UUID invoiceId, Instant at) {}

  public record UnmatchedTransfer(Chain chain, String txHash, int logIndex, String from, String to,
      BigDecimal amount, long blockNumber, Instant seenAt, String token, String state, List<UUID> candidates,
      List<Claim> claims, UUID invoiceId, Instant resolvedAt, String note) {}

  public record Cursor(Instant seenAt, String chain, String txHash, int logIndex) {}

  /** A ledger that has work due: an attach awaiting its credit, or a webhook delivery. */
  public record LedgerWork(String ledgerId) {}

  private static final String COLUMNS = """
      t.chain, t.tx_hash, t.log_index, t.from_address, t.to_address, t.amount, t.block_number, t.seen_at,
      t.token, t.state, t.candidates::text, t.claims::text, t.invoice_id, t.resolved_at, t.note""";

  private final DataSource dataSource;

  public UnmatchedTransferRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The open ones: the listing of before states existed. */
  public Page<UnmatchedTransfer, Cursor> list(UUID merchantId, Optional<Chain> chain, int limit, Optional<Cursor> after)
      throws SQLException {
    return list(merchantId, "open", chain, limit, after);
  }

  public Page<UnmatchedTransfer, Cursor> list(UUID merchantId, String state, Optional<Chain> chain, int limit,
      Optional<Cursor> after) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + """

        FROM unmatched_transfers t
        JOIN merchant_wallets w ON w.chain = t.chain AND w.address = t.to_address
        WHERE w.merchant_id = ? AND t.state = ?""");
    List<Object> parameters = new ArrayList<>();
    parameters.add(merchantId);
    parameters.add(state);
    chain.ifPresent(ch -> {
      sql.append(" AND t.chain = ?");
      parameters.add(ch.name());
    });
    List<String> key = List.of("t.seen_at", "t.chain", "t.tx_hash", "t.log_index");
    return Keyset.page(dataSource, sql.toString(), parameters, key,
        after.map(c -> List.of(Timestamp.from(c.seenAt()), c.chain(), c.txHash(), c.logIndex())), limit,
        UnmatchedTransferRepository::read,
        rs -> new Cursor(rs.getTimestamp(8).toInstant(), rs.getString(1), rs.getString(2), rs.getInt(3)));
  }

  /**
   * Wallet ledgers with work due at {@code now}: an attach whose credit is not recorded yet (older
   * than {@code grace}, so that one still in progress is left alone), or a pending webhook delivery.
   */
  public List<String> ledgersWithDueWork(Instant now, java.time.Duration grace, int limit) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("""
            SELECT ledger_id FROM (
              SELECT t.chain || ':' || t.to_address AS ledger_id, t.resolved_at AS due FROM unmatched_transfers t
              WHERE t.state = 'attached' AND t.credited_at IS NULL AND t.resolved_at <= ?
              UNION ALL
              SELECT d.ledger_id, d.next_attempt_at AS due FROM webhook_deliveries d
              WHERE d.ledger_id IS NOT NULL AND d.status = 'PENDING' AND d.next_attempt_at <= ?) w
            GROUP BY ledger_id ORDER BY min(due) LIMIT ?""")) {
      ps.setTimestamp(1, Timestamp.from(now.minus(grace)));
      ps.setTimestamp(2, Timestamp.from(now));
      ps.setInt(3, limit);
      List<String> due = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          due.add(rs.getString(1));
        }
      }
      return due;
    }
  }

  private static UnmatchedTransfer read(ResultSet rs) throws SQLException {
    Timestamp resolved = rs.getTimestamp(14);
    return new UnmatchedTransfer(Chain.valueOf(rs.getString(1)), rs.getString(2), rs.getInt(3), rs.getString(4),
        rs.getString(5), rs.getBigDecimal(6), rs.getLong(7), rs.getTimestamp(8).toInstant(), rs.getString(9),
        rs.getString(10), ReadModelJson.readList(rs.getString(11), UUID.class),
        ReadModelJson.readList(rs.getString(12), Claim.class), rs.getObject(13, UUID.class),
        resolved == null ? null : resolved.toInstant(), rs.getString(15));
  }
}
