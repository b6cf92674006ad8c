package io.stablegate.engine.webhook;

import java.util.List;
import java.util.UUID;

/**
 * Where and how a merchant's webhooks go. {@code secrets} are the {@code whsec_…} secrets to sign
 * with, the current one first and, during a rotation's grace period, the previous one after it.
 * Never logged: {@link #toString()} leaves the secrets out.
 */
public record WebhookEndpoint(UUID merchantId, String url, List<String> secrets, boolean disabled) {
  public WebhookEndpoint {
    secrets = List.copyOf(secrets);
  }

  @Override
  public String toString() {
    return "WebhookEndpoint[merchantId=" + merchantId + ", url=" + url + ", secrets=" + secrets.size()
        + ", disabled=" + disabled + "]";
  }
}
