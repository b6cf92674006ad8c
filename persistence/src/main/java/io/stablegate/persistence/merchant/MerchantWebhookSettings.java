package io.stablegate.persistence.merchant;

import java.time.Instant;
import java.util.Optional;

/**
 * A merchant's webhook settings, secrets decrypted. {@code previousSecret} is present during a
 * rotation's grace period only. {@link #toString()} leaves the secrets out.
 */
public record MerchantWebhookSettings(String url, String secret, Optional<String> previousSecret,
    Optional<Instant> disabledAt, Optional<String> disabledReason) {

  @Override
  public String toString() {
    return "MerchantWebhookSettings[url=" + url + ", disabledAt=" + disabledAt + "]";
  }
}
