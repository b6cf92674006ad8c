package io.stablegate.http.webhooksettings;

import java.security.SecureRandom;
import java.util.Base64;

/** Webhook signing secrets: {@code whsec_} + base64 of 32 random bytes (Standard Webhooks). */
public final class WebhookSecrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookSecrets() {}

  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "whsec_" + Base64.getEncoder().encodeToString(bytes);
  }
}
