package io.stablegate.engine.ledger;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * Carries a ledger's {@code transfer.unmatched} events to the wallet's merchant, as an invoice's
 * courier carries the invoice's: the ledger keeps every event and its place in the retry schedule in
 * its state and starts one courier, a child actor, per pending event (after the event, after
 * recovery, on {@link WalletLedgerCommand.Resume}); the courier reads the event ({@link
 * WalletLedgerCommand.GetWebhook}), waits for its slot, sends, and has the ledger persist the outcome
 * ({@link WalletLedgerCommand.RecordWebhookAttempt}). The node supplies it (payment package).
 */
public interface UnmatchedTransferCourier {

  /** What a courier understands. */
  interface Message {}

  /** The courier of event {@code eventId} of the ledger {@code ledgerId}. */
  Behavior<Message> deliver(ActorRef<WalletLedgerCommand> ledger, String ledgerId, UUID eventId);

  /** The delays between attempts ({@code schedule.size() + 1} attempts in all). */
  List<Duration> retrySchedule();

  /** Each delay is stretched by a random factor in {@code [0, jitter)}. */
  double jitter();
}
