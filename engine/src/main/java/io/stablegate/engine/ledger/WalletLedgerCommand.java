package io.stablegate.engine.ledger;

import io.stablegate.engine.chain.Transfer;
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
  record Allocate(UUID invoiceId, BigDecimal amount, Instant expiresAt, ActorRef<StatusReply<PayAmount>> replyTo)
      implements WalletLedgerCommand {}

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

  /** A transfer that paid no invoice became final: keep it for the merchant. */
  record RecordUnmatched(Transfer transfer, ActorRef<StatusReply<Done>> replyTo) implements WalletLedgerCommand {}
}
