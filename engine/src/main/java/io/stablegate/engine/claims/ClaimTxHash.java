package io.stablegate.engine.claims;

import io.stablegate.engine.money.Chain;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** The transaction hash forms of the chains: {@code 0x} + 64 hex digits on EVM chains, 64 hex digits on Tron. */
public final class ClaimTxHash {
  private static final Pattern EVM = Pattern.compile("0[xX][0-9a-fA-F]{64}");
  private static final Pattern TRON = Pattern.compile("[0-9a-fA-F]{64}");

  private ClaimTxHash() {}

  /** The hash in the form the watchers record it (lower case), or empty if it is not the chain's form. */
  public static Optional<String> canonical(Chain chain, String text) {
    if (text == null) {
      return Optional.empty();
    }
    String trimmed = text.strip();
    Pattern form = chain.isEvm() ? EVM : TRON;
    if (!form.matcher(trimmed).matches()) {
      return Optional.empty();
    }
    return Optional.of(trimmed.toLowerCase(Locale.ROOT));
  }

  /** What the form is, in words, for a 400. */
  public static String describe(Chain chain) {
    return chain.isEvm()
        ? "must be a transaction hash of " + chain + ": 0x followed by 64 hexadecimal digits"
        : "must be a transaction id of " + chain + ": 64 hexadecimal digits";
  }
}
