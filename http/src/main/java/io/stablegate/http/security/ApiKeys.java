package io.stablegate.http.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * API keys: 32 bytes from {@link SecureRandom} as 64 lowercase hex characters, shown once and stored
 * as their SHA-256 (right for 256-bit random keys: there is nothing to brute-force, so no slow hash).
 */
public final class ApiKeys {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{64}");

  private ApiKeys() {}

  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Whether {@code text} has the form of a key (so malformed input costs no lookup). */
  public static boolean wellFormed(String text) {
    return text != null && FORMAT.matcher(text).matches();
  }

  /** SHA-256 of the key, lowercase hex: what is stored and looked up. */
  public static String hash(String apiKey) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
