package io.stablegate.engine.money;

import java.util.Arrays;
import java.util.Optional;

/** The stablecoins an invoice can be asked in. Which chain serves which is configuration (EngineSettings). */
public enum Token {
  USDT,
  USDC;

  /** The token named exactly (upper case), if there is one. */
  public static Optional<Token> parse(String name) {
    return Arrays.stream(values()).filter(t -> t.name().equals(name)).findFirst();
  }
}
