package io.stablegate.http.security;

import io.stablegate.http.ApiSettings;
import io.stablegate.persistence.merchant.NodeSecrets;
import io.stablegate.persistence.merchant.SecretCipher;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's two secrets: the JWT signing key and the master key. From the environment; in
 * development, when unset, generated once and kept in the database so every node shares them.
 */
public record NodeKeys(byte[] jwtKey, SecretCipher cipher) {
  private static final Logger log = LoggerFactory.getLogger(NodeKeys.class);

  public static NodeKeys resolve(ApiSettings settings, NodeSecrets store) throws SQLException {
    String jwt = settings.jwtSecret();
    String master = settings.masterKey();
    if (jwt.isEmpty() || master.isEmpty()) {
      if (settings.production()) {
        throw new IllegalStateException("production mode needs STABLEGATE_JWT_SECRET and STABLEGATE_MASTER_KEY");
      }
      log.warn("Development mode: using generated secrets kept in the database for those not set "
          + "(STABLEGATE_JWT_SECRET, STABLEGATE_MASTER_KEY); never do this in production");
    }
    if (jwt.isEmpty()) {
      jwt = store.getOrCreate("jwt-secret");
    }
    if (master.isEmpty()) {
      master = store.getOrCreate("master-key");
    }
    byte[] jwtKey = jwtKeyBytes(jwt);
    if (jwtKey.length < 32) {
      throw new IllegalStateException("STABLEGATE_JWT_SECRET must be at least 32 bytes");
    }
    return new NodeKeys(jwtKey, SecretCipher.fromBase64(master));
  }

  /** Base64 of at least 32 bytes is taken as those bytes; any other text as its UTF-8 bytes. */
  static byte[] jwtKeyBytes(String secret) {
    try {
      byte[] decoded = Base64.getDecoder().decode(secret);
      if (decoded.length >= 32) {
        return decoded;
      }
    } catch (IllegalArgumentException e) {
      // not base64: use the text itself
    }
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "NodeKeys[…]";
  }
}
