package io.stablegate.engine.ledger;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.credit.PaymentSource;
import io.stablegate.engine.serialization.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Everything that happens to a wallet ledger. Fields added after the first release are null in
 * older journals and take their neutral value.
 */
public sealed interface WalletLedgerEvent extends CborSerializable {

  Instant at();

  /**
   * The slot is reserved until {@code holdUntil} (expiry plus the late-payment window) unless released.
   * {@code due} is what the invoice waits for (null: the payAmount; after a partial credit the
   * remainder, while {@code payAmount} is the remainder plus its offset); {@code tolerancePercent} the
   * merchant's underpayment tolerance for this invoice (null: 0). A second allocation for one invoice
   * replaces its slot.
   */
  record PayAmountAllocated(UUID invoiceId, BigDecimal amount, BigDecimal payAmount, Instant holdUntil, Instant at,
      BigDecimal due, BigDecimal tolerancePercent)
      implements WalletLedgerEvent {
    public PayAmountAllocated(UUID invoiceId, BigDecimal amount, BigDecimal payAmount, Instant holdUntil, Instant at) {
      this(invoiceId, amount, payAmount, holdUntil, at, null, null);
    }
  }

  /** {@code holdUntil} null: free at once; otherwise still reserved until then. */
  record PayAmountReleased(UUID invoiceId, BigDecimal payAmount, ReleaseReason reason, Instant holdUntil, Instant at)
      implements WalletLedgerEvent {}

  /**
   * {@code invoiceId} null: the transfer pays no invoice; {@code candidates} then lists the invoices
   * whose tolerance windows all held it (ambiguous), if any. {@code source} is how it pays {@code
   * invoiceId} (null: {@code MATCHED}).
   */
  record TransferRouted(Transfer transfer, UUID invoiceId, Instant at, PaymentSource source, List<UUID> candidates)
      implements WalletLedgerEvent {
    public TransferRouted(Transfer transfer, UUID invoiceId, Instant at) {
      this(transfer, invoiceId, at, null, null);
    }
  }

  /**
   * A transfer that paid no invoice became final: kept as an unmatched transfer, {@code open}, with
   * its candidates, and announced to the merchant by the {@code transfer.unmatched} webhook event
   * {@code webhookEventId} (null in journals written before it existed: not announced).
   */
  record UnmatchedTransferRecorded(Transfer transfer, Instant at, List<UUID> candidates, UUID webhookEventId)
      implements WalletLedgerEvent {
    public UnmatchedTransferRecorded(Transfer transfer, Instant at) {
      this(transfer, at, null, null);
    }
  }

  /**
   * The merchant attached the open unmatched transfer to {@code invoiceId}; the invoice's credit
   * follows ({@link UnmatchedTransferCredited} once it is recorded). {@code requestId} identifies the
   * attach request, so that its retries are recognised.
   */
  record UnmatchedTransferAttached(TransferKey transfer, UUID invoiceId, UUID requestId, Attribution attachedBy,
      Instant at) implements WalletLedgerEvent {}

  /** The invoice recorded the attached transfer's credit: the attach is complete. */
  record UnmatchedTransferCredited(TransferKey transfer, UUID invoiceId, Instant at) implements WalletLedgerEvent {}

  /** The merchant closed the open unmatched transfer without crediting it, with a note. */
  record UnmatchedTransferDismissed(TransferKey transfer, String note, UUID requestId, Attribution dismissedBy,
      Instant at) implements WalletLedgerEvent {}

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

  /** One attempt to deliver a webhook event of this ledger ({@code transfer.unmatched}); see the invoice's. */
  record LedgerWebhookAttempted(UUID webhookEventId, int attempt, Instant attemptedAt, Integer statusCode,
      String error, long durationMs, LedgerWebhook.Status outcome, Instant nextAttemptAt, Instant at)
      implements WalletLedgerEvent {}
}
