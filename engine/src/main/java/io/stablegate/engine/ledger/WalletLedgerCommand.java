package io.stablegate.engine.ledger;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.serialization.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/** What the ledger of one {@code (chain, address)} is asked to do. */
public sealed interface WalletLedgerCommand extends CborSerializable {

  /**
   * Reserve the smallest free payAmount for a new invoice; replies with it. Repeating it for the
   * same invoice returns the same payAmount.
   */
  record Allocate(UUID invoiceId, BigDecimal amount, Instant expiresAt, BigDecimal tolerancePercent,
      ActorRef<StatusReply<PayAmount>> replyTo) implements WalletLedgerCommand {
    public Allocate(UUID invoiceId, BigDecimal amount, Instant expiresAt, ActorRef<StatusReply<PayAmount>> replyTo) {
      this(invoiceId, amount, expiresAt, null, replyTo);
    }
  }

  /**
   * A partial credit left {@code remainder} due on the invoice: reserve the smallest free payAmount
   * at or above it (the same 0.0001 steps), replacing the invoice's slot; replies with it. Repeating
   * it for the same remainder returns the same payAmount.
   */
  record AllocateRemainder(UUID invoiceId, BigDecimal remainder, Instant expiresAt,
      ActorRef<StatusReply<PayAmount>> replyTo) implements WalletLedgerCommand {}

  /** The invoice is paid or cancelled. */
  record Release(UUID invoiceId, ReleaseReason reason, ActorRef<StatusReply<Done>> replyTo)
      implements WalletLedgerCommand {}

  /**
   * The transfers to this wallet found in one scanned range, in chain order: which invoice does each
   * pay? Replies with their routes in the same order once every new routing is persisted (one
   * atomic write). Transfers routed before are answered as before and persist nothing, so the
   * answer for one transfer never changes.
   */
  record RouteAll(List<Transfer> transfers, ActorRef<StatusReply<TransferRoutes>> replyTo)
      implements WalletLedgerCommand {}

  /** A transfer that paid no invoice became final: keep it for the merchant, and tell the merchant. */
  record RecordUnmatched(Transfer transfer, ActorRef<StatusReply<Done>> replyTo) implements WalletLedgerCommand {}

  /**
   * A payer says that {@code transfer} (read from the chain: a transfer of the token to this wallet)
   * pays {@code invoiceId}. Never credits anything: replies which invoice the transfer already pays,
   * or records the claim for the merchant (at once on a transfer kept as unmatched, otherwise once the
   * transfer is). Repeating it records nothing more.
   */
  record RecordClaim(TransferKey transfer, UUID invoiceId, ActorRef<StatusReply<ClaimOutcome>> replyTo)
      implements WalletLedgerCommand {}

  /** The unmatched transfer {@code transfer}, as it stands. */
  record GetUnmatched(TransferKey transfer, ActorRef<StatusReply<Resolution>> replyTo) implements WalletLedgerCommand {}

  /**
   * Mark the open unmatched transfer attached to {@code invoiceId}. {@code CONFLICT} if it is attached
   * or dismissed already, except that the same request ({@code requestId}), or the same invoice while
   * the credit is not complete, gets {@code DONE} again so that the attach can be completed.
   */
  record Attach(TransferKey transfer, UUID invoiceId, UUID requestId, Attribution attachedBy,
      ActorRef<StatusReply<Resolution>> replyTo) implements WalletLedgerCommand {}

  /** The invoice recorded the attached transfer's credit. Repeating it changes nothing. */
  record MarkCredited(TransferKey transfer, UUID invoiceId, ActorRef<StatusReply<Done>> replyTo)
      implements WalletLedgerCommand {}

  /** Close the open unmatched transfer with a note; {@code CONFLICT} if attached or dismissed (by another request). */
  record Dismiss(TransferKey transfer, String note, UUID requestId, Attribution dismissedBy,
      ActorRef<StatusReply<Resolution>> replyTo) implements WalletLedgerCommand {}

  /** Sent by the ledger's own delivery actor; see the invoice's command of the same name. */
  record RecordWebhookAttempt(UUID webhookEventId, int attempt, LedgerWebhook.Attempt result,
      ActorRef<StatusReply<LedgerWebhook>> replyTo) implements WalletLedgerCommand {}

  /** The ledger's webhook event, as it stands; an error if it has none of that id. */
  record GetWebhook(UUID webhookEventId, ActorRef<StatusReply<LedgerWebhook>> replyTo)
      implements WalletLedgerCommand {}

  /**
   * Sent by the sweeper: restart delivery actors of pending webhook events, and complete attaches
   * whose credit is not recorded yet.
   */
  record Resume(ActorRef<StatusReply<Done>> replyTo) implements WalletLedgerCommand {}

  /**
   * The ledger's own note to persist, in one write, the allocations it has decided since the last one
   * (those of the {@link Allocate}s that arrived while the previous write was in flight).
   */
  record FlushAllocations() implements WalletLedgerCommand {}

  /** The ledger's own note that a completion it started has ended (either way); it may start another. */
  record CompletionEnded(String transferKey) implements WalletLedgerCommand {}
}
