package io.stablegate.engine.ledger;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Settings of the wallet ledger, from {@code stablegate.ledger}.
 *
 * @param latePaymentWindow how long after expiry or cancellation a payAmount stays reserved
 * @param maxPayAmountSteps how many 0.0001 steps above the amount may be tried
 * @param routedTransferRetention how long a routed transfer is remembered, so that a rescan routes it the same way
 * @param clockSkewTolerance how far a block's timestamp may lie before the invoice's creation and still pay it
 * @param snapshotEvery a snapshot after this many events
 * @param tagCount projection slices of unmatched transfers
 */
public record LedgerSettings(
    Duration latePaymentWindow,
    int maxPayAmountSteps,
    Duration routedTransferRetention,
    Duration clockSkewTolerance,
    int snapshotEvery,
    int tagCount) {

  /** The prefix of the wallet ledgers' projection tags. */
  private static final String TAG_PREFIX = "ledger-";

  public static LedgerSettings fromConfig(Config root) {
    Config c = root.getConfig("stablegate.ledger");
    return new LedgerSettings(
        c.getDuration("late-payment-window"),
        c.getInt("max-pay-amount-steps"),
        c.getDuration("routed-transfer-retention"),
        c.getDuration("clock-skew-tolerance"),
        c.getInt("snapshot-every"),
        c.getInt("tag-count"));
  }

  /** Every projection tag of ledger events, {@code ledger-0 … ledger-<tagCount - 1>}: one projection slice each. */
  public List<String> tags() {
    return IntStream.range(0, tagCount).mapToObj(i -> TAG_PREFIX + i).toList();
  }

  /** The projection tag of a ledger's tagged events, one of {@link #tags()}. */
  public String tagFor(String entityId) {
    return TAG_PREFIX + Math.floorMod(entityId.hashCode(), tagCount);
  }
}
