package io.stablegate.http.claims;

import com.typesafe.config.Config;

/**
 * Limits of payers' claims, from {@code stablegate.http.claims}: per client address and per invoice,
 * each a bucket that refills its size every minute.
 */
public record ClaimSettings(int perAddressPerMinute, int perInvoicePerMinute, int maxTracked) {

  public static ClaimSettings fromConfig(Config root) {
    Config c = root.getConfig("stablegate.http.claims");
    return new ClaimSettings(c.getInt("per-address-per-minute"), c.getInt("per-invoice-per-minute"),
        root.getInt("stablegate.http.rate-limit.max-tracked"));
  }
}
