package io.stablegate.persistence.listing;

import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
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
 * the merchant's current wallets, newest first, keyset-paginated. Blocking JDBC.
 */
public final class UnmatchedTransferRepository {

  public record UnmatchedTransfer(Chain chain, String txHash, int logIndex, String from, String to,
      BigDecimal amount, long blockNumber, Instant seenAt) {}

  public record Cursor(Instant seenAt, String chain, String txHash, int logIndex) {}

  private final DataSource dataSource;

  public UnmatchedTransferRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public Page<UnmatchedTransfer, Cursor> list(UUID merchantId, Optional<Chain> chain, int limit, Optional<Cursor> after)
      throws SQLException {
    StringBuilder sql = new StringBuilder("""
        SELECT t.chain, t.tx_hash, t.log_index, t.from_address, t.to_address, t.amount, t.block_number, t.seen_at
        FROM unmatched_transfers t
        JOIN merchant_wallets w ON w.chain = t.chain AND w.address = t.to_address
        WHERE w.merchant_id = ?""");
    List<Object> parameters = new ArrayList<>();
    parameters.add(merchantId);
    chain.ifPresent(ch -> {
      sql.append(" AND t.chain = ?");
      parameters.add(ch.name());
    });
    List<String> key = List.of("t.seen_at", "t.chain", "t.tx_hash", "t.log_index");
    return Keyset.page(dataSource, sql.toString(), parameters, key,
        after.map(c -> List.of(Timestamp.from(c.seenAt()), c.chain(), c.txHash(), c.logIndex())), limit,
        rs -> new UnmatchedTransfer(Chain.valueOf(rs.getString(1)), rs.getString(2), rs.getInt(3), rs.getString(4),
            rs.getString(5), rs.getBigDecimal(6), rs.getLong(7), rs.getTimestamp(8).toInstant()),
        rs -> new Cursor(rs.getTimestamp(8).toInstant(), rs.getString(1), rs.getString(2), rs.getInt(3)));
  }
}
