package io.stablegate.engine.ledger;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.serialization.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** Everything that happens to a wallet ledger. */
public sealed interface WalletLedgerEvent extends CborSerializable {

  Instant at();

  /** The slot is reserved until {@code holdUntil} (expiry plus the late-payment window) unless released. */
  record PayAmountAllocated(UUID invoiceId, BigDecimal amount, BigDecimal payAmount, Instant holdUntil, Instant at)
      implements WalletLedgerEvent {}

  /** {@code holdUntil} null: free at once; otherwise still reserved until then. */
  record PayAmountReleased(UUID invoiceId, BigDecimal payAmount, ReleaseReason reason, Instant holdUntil, Instant at)
      implements WalletLedgerEvent {}

  /** {@code invoiceId} null: the transfer matched no invoice. */
  record TransferRouted(Transfer transfer, UUID invoiceId, Instant at) implements WalletLedgerEvent {}

  record UnmatchedTransferRecorded(Transfer transfer, Instant at) implements WalletLedgerEvent {}

  /**
   * A payer claimed the unmatched transfer for {@code invoiceId} (at {@code at}); shown to the
   * merchant on the transfer, credits nothing. Persisted right after the transfer's
   * {@link UnmatchedTransferRecorded} for a claim that came while it was not yet final.
   */
  record ClaimRecorded(TransferKey transfer, UUID invoiceId, Instant at) implements WalletLedgerEvent {}

  /**
   * A payer claimed a transfer of the token to this wallet that the ledger does not keep as
   * unmatched yet (not final, or not yet seen by the watcher): kept until it is, then recorded
   * ({@link ClaimRecorded}); forgotten if the transfer pays an invoice after all.
   */
  record ClaimAwaitingTransfer(TransferKey transfer, UUID invoiceId, Instant at) implements WalletLedgerEvent {}
}
