package io.stablegate.http.security;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a merchant password must be: 12–128 characters (code points) and not one of the 10,000 most
 * common passwords ({@code common-passwords.txt}, from the zxcvbn npm package; see its header).
 */
public final class PasswordPolicy {
  public static final int MIN_LENGTH = 12;
  public static final int MAX_LENGTH = 128;

  private final Set<String> common;

  private PasswordPolicy(Set<String> common) {
    this.common = Set.copyOf(common);
  }

  public static PasswordPolicy load() {
    try (InputStream in = PasswordPolicy.class.getResourceAsStream("/common-passwords.txt")) {
      if (in == null) {
        throw new IllegalStateException("common-passwords.txt is missing from the classpath");
      }
      Set<String> words = new HashSet<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank() && !line.startsWith("#")) {
          words.add(line.strip().toLowerCase(Locale.ROOT));
        }
      }
      return new PasswordPolicy(words);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Why the password is refused, or empty if it is acceptable. */
  public Optional<String> problem(String password) {
    int length = password.codePointCount(0, password.length());
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      return Optional.of("must be " + MIN_LENGTH + " to " + MAX_LENGTH + " characters");
    }
    if (common.contains(password.toLowerCase(Locale.ROOT))) {
      return Optional.of("is one of the most common passwords; choose another");
    }
    return Optional.empty();
  }
}
