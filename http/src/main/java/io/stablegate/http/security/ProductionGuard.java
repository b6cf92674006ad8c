package io.stablegate.http.security;

import com.typesafe.config.Config;
import io.stablegate.http.ApiSettings;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Checks made before a node opens any port. {@code STABLEGATE_MODE} must be {@code development} or
 * {@code production}: a typo must not start a node with development defaults. Production mode refuses
 * to start without its secrets, without TLS (or a TLS-terminating proxy declared with
 * {@code STABLEGATE_TRUST_PROXY=true}), and without an external PostgreSQL: the embedded one trusts
 * every connection from the machine itself.
 */
public final class ProductionGuard {
  private ProductionGuard() {}

  /** Throws {@link IllegalStateException} naming everything that is missing. */
  public static void check(Config config) {
    String mode = config.getString("stablegate.mode").trim();
    if (!mode.equalsIgnoreCase("development") && !mode.equalsIgnoreCase("production")) {
      throw new IllegalStateException("STABLEGATE_MODE must be 'development' or 'production', not '" + mode + "'");
    }
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
    if (config.getString("stablegate.db.url").isBlank()) {
      missing.add("STABLEGATE_DB_URL (an external PostgreSQL: the embedded one trusts every local connection)");
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
