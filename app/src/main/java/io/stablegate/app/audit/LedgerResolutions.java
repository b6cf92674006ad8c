package io.stablegate.app.audit;

import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.ledger.WalletLedger;
import io.stablegate.engine.ledger.WalletLedgerEvent;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferAttached;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferDismissed;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.serialization.Serialization;

/**
 * The merchants' resolutions of unmatched transfers, from the wallet ledgers' journals, against the
 * credits the invoices' replay found ({@link CreditedTransfers}, on the same connection): a dismissed
 * transfer credits nothing; an attached transfer, if credited, is credited to the invoice it was
 * attached to; every attach and dismissal names who made it. Ledgers hold few such events (one per
 * resolution), so they are read in one pass over the ledgers' rows and checked one by one.
 */
final class LedgerResolutions {
  private static final String PREFIX = WalletLedger.ENTITY_KEY.name() + "|";

  private final Connection connection;
  private final Serialization serialization;
  private final Consumer<Violation> violations;
  private long resolutions;

  LedgerResolutions(Connection connection, Serialization serialization, Consumer<Violation> violations) {
    this.connection = connection;
    this.serialization = serialization;
    this.violations = violations;
  }

  /** Checks every resolution; returns how many there were. */
  long check() throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("""
        SELECT persistence_id, sequence_number, event_ser_id, event_ser_manifest, event_payload
        FROM event_journal WHERE deleted = false AND persistence_id LIKE ?
        ORDER BY persistence_id, sequence_number""")) {
      ps.setString(1, PREFIX + "%");
      ps.setFetchSize(500);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Object event = serialization.deserialize(rs.getBytes(5), rs.getInt(3), rs.getString(4)).get();
          if (event instanceof WalletLedgerEvent e) {
            check(rs.getString(1), rs.getLong(2), e);
          }
        }
      }
    }
    return resolutions;
  }

  private void check(String persistenceId, long seqNr, WalletLedgerEvent event) throws SQLException {
    switch (event) {
      case UnmatchedTransferDismissed e -> {
        resolutions++;
        if (e.dismissedBy() == null || e.dismissedBy().merchantId() == null || e.dismissedBy().via() == null) {
          violations.accept(new Violation(persistenceId, seqNr,
              "the dismissal of transfer " + e.transfer() + " does not name who made it"));
        }
        creditOf(e.transfer()).ifPresent(credit -> violations.accept(new Violation(persistenceId, seqNr,
            "transfer " + e.transfer() + " was dismissed, but " + credit.persistenceId() + " (event "
                + credit.seqNr() + ") credits it")));
      }
      case UnmatchedTransferAttached e -> {
        resolutions++;
        if (e.attachedBy() == null || e.attachedBy().merchantId() == null || e.attachedBy().via() == null) {
          violations.accept(new Violation(persistenceId, seqNr,
              "the attach of transfer " + e.transfer() + " does not name who made it"));
        }
        String expected = InvoiceReplay.PERSISTENCE_ID_PREFIX + e.invoiceId();
        creditOf(e.transfer()).filter(credit -> !credit.persistenceId().equals(expected))
            .ifPresent(credit -> violations.accept(new Violation(persistenceId, seqNr,
                "transfer " + e.transfer() + " was attached to invoice " + e.invoiceId() + ", but "
                    + credit.persistenceId() + " (event " + credit.seqNr() + ") credits it")));
      }
      default -> {
        // slots, routings and deliveries move no money
      }
    }
  }

  private record StoredCredit(String persistenceId, long seqNr) {}

  private Optional<StoredCredit> creditOf(TransferKey key) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("""
        SELECT persistence_id, seq_nr FROM audit_credited_transfers
        WHERE chain = ? AND tx_hash = ? AND log_index = ?""")) {
      ps.setString(1, key.chain().name());
      ps.setString(2, key.txHash());
      ps.setInt(3, key.logIndex());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new StoredCredit(rs.getString(1), rs.getLong(2))) : Optional.empty();
      }
    }
  }
}
