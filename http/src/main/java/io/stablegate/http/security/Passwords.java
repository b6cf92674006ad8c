package io.stablegate.http.security;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategy;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * bcrypt password hashes (at.favre.lib:bcrypt). bcrypt reads at most 72 bytes, and a 128-character
 * password may be up to 512 bytes of UTF-8: such a password is first hashed with SHA-512 (the
 * library's {@code hashSha512} strategy), so that every byte counts instead of being silently cut
 * off. Refusing passwords over 72 bytes would have contradicted the API's 128-character limit
 * (docs/api.md) for anyone typing outside ASCII.
 */
public final class Passwords {
  private static final BCrypt.Version VERSION = BCrypt.Version.VERSION_2B;
  private static final LongPasswordStrategy LONG_PASSWORDS = LongPasswordStrategies.hashSha512(VERSION);

  private final int cost;
  private final BCrypt.Hasher hasher = BCrypt.with(VERSION, new SecureRandom(), LONG_PASSWORDS);
  private final BCrypt.Verifyer verifyer = BCrypt.verifyer(VERSION, LONG_PASSWORDS);
  // Checked against when the account does not exist, so that a login for an unknown email takes as
  // long as one for a known email and the timing does not say which emails have accounts.
  private final String decoy;

  public Passwords(int cost) {
    if (cost < 10) {
      throw new IllegalArgumentException("bcrypt cost must be at least 10");
    }
    this.cost = cost;
    this.decoy = hash("decoy password for unknown accounts");
  }

  public String hash(String password) {
    return new String(hasher.hash(cost, password.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
  }

  public boolean verify(String password, String bcryptHash) {
    return verifyer.verify(password.getBytes(StandardCharsets.UTF_8),
        bcryptHash.getBytes(StandardCharsets.US_ASCII)).verified;
  }

  /** Spends the time of one verification for an account that does not exist; always false. */
  public boolean verifyDecoy(String password) {
    verify(password, decoy);
    return false;
  }
}
