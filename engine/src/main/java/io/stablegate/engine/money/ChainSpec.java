package io.stablegate.engine.money;

import java.util.Map;
import java.util.OptionalInt;

/**
 * What one chain is configured with ({@code stablegate.chains.<chain>}): its chain id (EVM; 0 on
 * Tron), the confirmations that make a payment final, and the tokens it serves, each with its contract.
 * A token whose contract is set to {@code none} is absent.
 */
public record ChainSpec(Chain chain, long chainId, int confirmations, Map<Token, TokenSpec> tokens) {

  public ChainSpec {
    tokens = Map.copyOf(tokens);
  }

  /**
   * One token on the chain: its contract as configured, and the decimals configured for it (checked
   * against the contract's {@code decimals()} when the watcher starts; used where an amount is written
   * before, like the checkout QR code).
   */
  public record TokenSpec(Token token, String contract, OptionalInt decimals) {}

  public java.util.Optional<TokenSpec> token(Token token) {
    return java.util.Optional.ofNullable(tokens.get(token));
  }
}
