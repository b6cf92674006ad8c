package io.stablegate.persistence.projection;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.ledger.WalletLedgerEvent;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/** Keeps {@code unmatched_transfers}: final transfers to a merchant's wallet that paid no invoice. */
final class UnmatchedTransferProjectionHandler
    extends JdbcHandler<EventEnvelope<WalletLedgerEvent>, DataSourceJdbcSession> {

  @Override
  public void process(DataSourceJdbcSession session, EventEnvelope<WalletLedgerEvent> envelope) throws Exception {
    if (!(envelope.event() instanceof WalletLedgerEvent.UnmatchedTransferRecorded recorded)) {
      return;
    }
    Transfer t = recorded.transfer();
    session.withConnection(connection -> {
      try (PreparedStatement ps = connection.prepareStatement("""
          INSERT INTO unmatched_transfers (chain, tx_hash, log_index, from_address, to_address, amount,
                                           block_number, seen_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (chain, tx_hash, log_index) DO NOTHING""")) {
        ps.setString(1, t.chain().name());
        ps.setString(2, t.txHash());
        ps.setInt(3, t.logIndex());
        ps.setString(4, t.from());
        ps.setString(5, t.to());
        ps.setBigDecimal(6, t.amount());
        ps.setLong(7, t.blockNumber());
        ps.setTimestamp(8, Timestamp.from(recorded.at()));
        ps.executeUpdate();
      }
      return null;
    });
  }
}
