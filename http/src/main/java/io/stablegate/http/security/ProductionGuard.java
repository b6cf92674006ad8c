package io.stablegate.http.security;

import com.typesafe.config.Config;
import io.stablegate.http.ApiSettings;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Production mode ({@code STABLEGATE_MODE=production}) refuses to start without its secrets and
 * without TLS, or a TLS-terminating proxy declared with {@code STABLEGATE_TRUST_PROXY=true}.
 */
public final class ProductionGuard {
  private ProductionGuard() {}

  /** Throws {@link IllegalStateException} naming everything that is missing. */
  public static void check(Config config) {
    ApiSettings settings = ApiSettings.fromConfig(config);
    if (!settings.production()) {
      return;
    }
    List<String> missing = new ArrayList<>();
    if (settings.jwtSecret().isEmpty()) {
      missing.add("STABLEGATE_JWT_SECRET");
    } else if (NodeKeys.jwtKeyBytes(settings.jwtSecret()).length < 32) {
      missing.add("STABLEGATE_JWT_SECRET of at least 32 bytes");
    }
    if (settings.masterKey().isEmpty()) {
      missing.add("STABLEGATE_MASTER_KEY");
    } else if (!isBase64Of32Bytes(settings.masterKey())) {
      missing.add("STABLEGATE_MASTER_KEY as base64 of 32 bytes");
    }
    if (!settings.tls() && !settings.trustProxy()) {
      missing.add("STABLEGATE_TLS_KEYSTORE (or STABLEGATE_TRUST_PROXY=true behind a TLS proxy)");
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("Production mode refuses to start without " + String.join(", ", missing));
    }
  }

  private static boolean isBase64Of32Bytes(String text) {
    try {
      return Base64.getDecoder().decode(text).length == 32;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
