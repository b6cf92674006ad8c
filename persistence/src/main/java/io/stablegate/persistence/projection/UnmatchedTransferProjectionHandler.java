package io.stablegate.persistence.projection;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.ledger.LedgerWebhook;
import io.stablegate.persistence.listing.UnmatchedTransferRepository;
import io.stablegate.engine.ledger.WalletLedgerEvent;
import io.stablegate.engine.ledger.WalletLedgerEvent.ClaimRecorded;
import io.stablegate.engine.ledger.WalletLedgerEvent.LedgerWebhookAttempted;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferAttached;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferCredited;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferDismissed;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferRecorded;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Keeps {@code unmatched_transfers} (final transfers to a merchant's wallet that paid no invoice, and
 * how the merchant resolved them) and the ledgers' rows of {@code webhook_deliveries} and {@code
 * webhook_attempts} ({@code transfer.unmatched}). Exactly-once; the statements are idempotent too.
 */
final class UnmatchedTransferProjectionHandler
    extends JdbcHandler<EventEnvelope<WalletLedgerEvent>, DataSourceJdbcSession> {

  @Override
  public void process(DataSourceJdbcSession session, EventEnvelope<WalletLedgerEvent> envelope) throws Exception {
    String ledgerId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
    session.withConnection(connection -> {
      apply(connection, ledgerId, envelope.event());
      return null;
    });
  }

  private static void apply(Connection connection, String ledgerId, WalletLedgerEvent event) throws Exception {
    switch (event) {
      case UnmatchedTransferRecorded recorded -> {
        Transfer t = recorded.transfer();
        try (PreparedStatement ps = connection.prepareStatement("""
            INSERT INTO unmatched_transfers (chain, tx_hash, log_index, from_address, to_address, amount,
                                             block_number, seen_at, candidates, token)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)
            ON CONFLICT (chain, tx_hash, log_index) DO NOTHING""")) {
          ps.setString(1, t.chain().name());
          ps.setString(2, t.txHash());
          ps.setInt(3, t.logIndex());
          ps.setString(4, t.from());
          ps.setString(5, t.to());
          ps.setBigDecimal(6, t.amount());
          ps.setLong(7, t.blockNumber());
          ps.setTimestamp(8, Timestamp.from(recorded.at()));
          ps.setString(9, ReadModelJson.write(recorded.candidates() == null ? List.of() : recorded.candidates()));
          ps.setString(10, t.asset().name());
          ps.executeUpdate();
        }
        if (recorded.webhookEventId() != null) {
          try (PreparedStatement ps = connection.prepareStatement("""
              INSERT INTO webhook_deliveries (event_id, invoice_id, ledger_id, type, status, attempts, next_attempt_at,
                                              created_at, updated_at)
              VALUES (?, NULL, ?, ?, 'PENDING', 0, ?, ?, ?)
              ON CONFLICT (event_id, endpoint_id) DO NOTHING""")) {
            ps.setObject(1, recorded.webhookEventId());
            ps.setString(2, ledgerId);
            ps.setString(3, LedgerWebhook.TYPE);
            ps.setTimestamp(4, Timestamp.from(recorded.at()));
            ps.setTimestamp(5, Timestamp.from(recorded.at()));
            ps.setTimestamp(6, Timestamp.from(recorded.at()));
            ps.executeUpdate();
          }
        }
      }
      case UnmatchedTransferAttached e -> resolve(connection, e.transfer(), "attached", e.invoiceId(), e.at(),
          e.attachedBy() == null ? null : e.attachedBy().merchantId(),
          e.attachedBy() == null ? null : e.attachedBy().via().name(), null);
      case UnmatchedTransferDismissed e -> resolve(connection, e.transfer(), "dismissed", null, e.at(),
          e.dismissedBy() == null ? null : e.dismissedBy().merchantId(),
          e.dismissedBy() == null ? null : e.dismissedBy().via().name(), e.note());
      case ClaimRecorded e -> {
        // A payer's claim on the transfer, once per invoice (the row exists: the ledger writes the claim
        // after, or together with, the transfer's UnmatchedTransferRecorded).
        try (PreparedStatement ps = connection.prepareStatement("""
            UPDATE unmatched_transfers SET claims = claims || ?::jsonb
            WHERE chain = ? AND tx_hash = ? AND log_index = ? AND NOT claims @> ?::jsonb""")) {
          ps.setString(1, ReadModelJson.write(List.of(
              new UnmatchedTransferRepository.Claim(e.invoiceId(), e.at()))));
          ps.setString(2, e.transfer().chain().name());
          ps.setString(3, e.transfer().txHash());
          ps.setInt(4, e.transfer().logIndex());
          ps.setString(5, ReadModelJson.write(List.of(java.util.Map.of("invoiceId", e.invoiceId()))));
          ps.executeUpdate();
        }
      }
      case UnmatchedTransferCredited e -> {
        try (PreparedStatement ps = connection.prepareStatement("""
            UPDATE unmatched_transfers SET credited_at = ?
            WHERE chain = ? AND tx_hash = ? AND log_index = ?""")) {
          ps.setTimestamp(1, Timestamp.from(e.at()));
          ps.setString(2, e.transfer().chain().name());
          ps.setString(3, e.transfer().txHash());
          ps.setInt(4, e.transfer().logIndex());
          ps.executeUpdate();
        }
      }
      case LedgerWebhookAttempted e -> {
        try (PreparedStatement ps = connection.prepareStatement("""
            INSERT INTO webhook_attempts (event_id, attempt, invoice_id, type, attempted_at, status_code, error,
                                          duration_ms, outcome)
            SELECT ?, ?, NULL, d.type, ?, ?, ?, ?, ? FROM webhook_deliveries d WHERE d.event_id = ?
            ON CONFLICT (event_id, endpoint_id, attempt) DO NOTHING""")) {
          ps.setObject(1, e.webhookEventId());
          ps.setInt(2, e.attempt());
          ps.setTimestamp(3, Timestamp.from(e.attemptedAt()));
          if (e.statusCode() == null) {
            ps.setNull(4, Types.INTEGER);
          } else {
            ps.setInt(4, e.statusCode());
          }
          ps.setString(5, e.error());
          ps.setLong(6, e.durationMs());
          ps.setString(7, e.outcome().name());
          ps.setObject(8, e.webhookEventId());
          ps.executeUpdate();
        }
        try (PreparedStatement ps = connection.prepareStatement("""
            UPDATE webhook_deliveries SET status = ?, attempts = GREATEST(attempts, ?), next_attempt_at = ?,
                                          updated_at = ?
            WHERE event_id = ?""")) {
          ps.setString(1, e.outcome().name());
          ps.setInt(2, e.attempt());
          ps.setTimestamp(3, e.nextAttemptAt() == null ? null : Timestamp.from(e.nextAttemptAt()));
          ps.setTimestamp(4, Timestamp.from(e.at()));
          ps.setObject(5, e.webhookEventId());
          ps.executeUpdate();
        }
      }
      default -> {
        // slots and routings have no read table
      }
    }
  }

  private static void resolve(Connection connection, TransferKey key, String state, UUID invoiceId,
      java.time.Instant at, UUID by, String via, String note) throws Exception {
    try (PreparedStatement ps = connection.prepareStatement("""
        UPDATE unmatched_transfers SET state = ?, invoice_id = ?, resolved_at = ?, resolved_by = ?, resolved_via = ?,
                                       note = ?
        WHERE chain = ? AND tx_hash = ? AND log_index = ?""")) {
      ps.setString(1, state);
      ps.setObject(2, invoiceId);
      ps.setTimestamp(3, Timestamp.from(at));
      ps.setObject(4, by);
      ps.setString(5, via);
      ps.setString(6, note);
      ps.setString(7, key.chain().name());
      ps.setString(8, key.txHash());
      ps.setInt(9, key.logIndex());
      ps.executeUpdate();
    }
  }
}
