package io.stablegate.persistence.sweep;

import io.stablegate.engine.EngineSettings;
import io.stablegate.engine.ledger.WalletLedger;
import io.stablegate.engine.ledger.WalletLedgerCommand;
import io.stablegate.engine.webhook.WebhookDeliverySettings;
import io.stablegate.persistence.listing.UnmatchedTransferRepository;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Wakes wallet ledgers with work due: a {@code transfer.unmatched} delivery whose attempt is due, or
 * an attach interrupted between the ledger's step and the invoice's. A ledger keeps no timers and may
 * sleep or lose its node like an invoice; {@code Resume} recovers it wherever it lives now, and it
 * restarts its delivery actors and completes the attach. Runs every webhook {@code sweep-interval}.
 */
public final class LedgerWorkSweeper {

  private LedgerWorkSweeper() {}

  public static void init(ActorSystem<?> system, UnmatchedTransferRepository transfers, Clock clock) {
    WebhookDeliverySettings settings = WebhookDeliverySettings.fromConfig(system.settings().config());
    Duration askTimeout = EngineSettings.fromConfig(system.settings().config()).askTimeout();
    // an attach younger than this is most likely still being completed by the request that made it
    Duration grace = system.settings().config().getDuration("stablegate.ledger.attach-completion-grace");
    ClusterSharding sharding = ClusterSharding.get(system);
    DueInvoiceSweeper.<String>init(system, "ledger-work-sweeper", settings.sweepInterval(), settings.sweepBatchSize(),
        clock, (now, limit) -> transfers.ledgersWithDueWork(now, grace, limit),
        ledgerId -> sharding.entityRefFor(WalletLedger.ENTITY_KEY, ledgerId)
            .<Done>askWithStatus(WalletLedgerCommand.Resume::new, askTimeout));
  }
}
