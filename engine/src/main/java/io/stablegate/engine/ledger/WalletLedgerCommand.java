package io.stablegate.engine.ledger;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
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
  record Allocate(UUID invoiceId, BigDecimal amount, Instant expiresAt, ActorRef<StatusReply<BigDecimal>> replyTo)
      implements WalletLedgerCommand {}

  /** The invoice is paid or cancelled. */
  record Release(UUID invoiceId, ReleaseReason reason, ActorRef<StatusReply<Done>> replyTo)
      implements WalletLedgerCommand {}

  /** A transfer to this wallet was seen: which invoice does it pay? Always answers the same for one transfer. */
  record Route(Transfer transfer, ActorRef<StatusReply<TransferRoute>> replyTo) implements WalletLedgerCommand {}

  /**
   * The transfers to this wallet found in one scanned range, in chain order: which invoice does each
   * pay? Replies with their routes in the same order once every new routing is persisted (one
   * atomic write). Transfers routed before are answered as before and persist nothing.
   */
  record RouteAll(List<Transfer> transfers, ActorRef<StatusReply<TransferRoutes>> replyTo)
      implements WalletLedgerCommand {}

  /** A transfer that paid no invoice became final: keep it for the merchant. */
  record RecordUnmatched(Transfer transfer, ActorRef<StatusReply<Done>> replyTo) implements WalletLedgerCommand {}

  /**
   * A payer says that {@code transfer} (read from the chain: a transfer of the token to this wallet)
   * pays {@code invoiceId}. Never credits anything: replies which invoice the transfer already pays,
   * or records the claim for the merchant (at once on a transfer kept as unmatched, otherwise until
   * the transfer is). Repeating it records nothing more.
   */
  record RecordClaim(TransferKey transfer, UUID invoiceId, ActorRef<StatusReply<ClaimOutcome>> replyTo)
      implements WalletLedgerCommand {}
}
