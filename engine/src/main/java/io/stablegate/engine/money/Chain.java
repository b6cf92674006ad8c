package io.stablegate.engine.money;

import java.util.Locale;
import java.util.Optional;

/** The chains Stablegate watches, each with its token standard and default confirmation depth. */
public enum Chain {
  TRON("TRC-20", 20),
  ETHEREUM("ERC-20", 12),
  BSC("BEP-20", 15);

  private final String tokenStandard;
  private final int defaultConfirmations;

  Chain(String tokenStandard, int defaultConfirmations) {
    this.tokenStandard = tokenStandard;
    this.defaultConfirmations = defaultConfirmations;
  }

  public String tokenStandard() {
    return tokenStandard;
  }

  /** Blocks on top of and including the payment's block before it is final, unless configured. */
  public int defaultConfirmations() {
    return defaultConfirmations;
  }

  public boolean isEvm() {
    return this != TRON;
  }

  /** Parses a chain name exactly as the API spells it (upper case); anything else is empty. */
  public static Optional<Chain> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    for (Chain chain : values()) {
      if (chain.name().equals(name)) {
        return Optional.of(chain);
      }
    }
    return Optional.empty();
  }

  /** The lower-case name used in config paths ({@code stablegate.chains.ethereum}). */
  public String configKey() {
    return name().toLowerCase(Locale.ROOT);
  }
}
