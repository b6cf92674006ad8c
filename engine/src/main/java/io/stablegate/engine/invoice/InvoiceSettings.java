package io.stablegate.engine.invoice;

import com.typesafe.config.Config;

/**
 * Settings of the invoice entity, from {@code stablegate.invoice}.
 *
 * @param snapshotEvery a snapshot after this many events; 0: no snapshots, recovery replays every event
 * @param tagCount projection slices; changing it re-tags new events only, so keep it fixed once deployed
 */
public record InvoiceSettings(int snapshotEvery, int tagCount) {

  public static InvoiceSettings fromConfig(Config root) {
    Config c = root.getConfig("stablegate.invoice");
    return new InvoiceSettings(c.getInt("snapshot-every"), c.getInt("tag-count"));
  }

  /** The projection tag of an invoice: {@code invoice-<slice>}. */
  public String tagFor(java.util.UUID invoiceId) {
    return "invoice-" + Math.floorMod(invoiceId.hashCode(), tagCount);
  }
}
