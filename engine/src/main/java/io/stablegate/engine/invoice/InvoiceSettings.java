package io.stablegate.engine.invoice;

import com.typesafe.config.Config;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Settings of the invoice entity, from {@code stablegate.invoice} (and its webhooks' retry schedule
 * from {@code stablegate.webhook}).
 *
 * @param snapshotEvery a snapshot after this many events; 0: no snapshots, recovery replays every event
 * @param tagCount projection slices; changing it re-tags new events only, so keep it fixed once deployed
 * @param webhookRetry when a failed webhook event is tried again
 */
public record InvoiceSettings(int snapshotEvery, int tagCount, WebhookRetrySettings webhookRetry) {

  /** The prefix of the invoice events' projection tags. */
  private static final String TAG_PREFIX = "invoice-";

  public static InvoiceSettings fromConfig(Config root) {
    Config c = root.getConfig("stablegate.invoice");
    return new InvoiceSettings(c.getInt("snapshot-every"), c.getInt("tag-count"),
        WebhookRetrySettings.fromConfig(root));
  }

  /** Every projection tag of invoice events, {@code invoice-0 … invoice-<tagCount - 1>}: one projection slice each. */
  public List<String> tags() {
    return IntStream.range(0, tagCount).mapToObj(i -> TAG_PREFIX + i).toList();
  }

  /** The projection tag of an invoice's events, one of {@link #tags()}. */
  public String tagFor(UUID invoiceId) {
    return TAG_PREFIX + Math.floorMod(invoiceId.hashCode(), tagCount);
  }
}
