package io.stablegate.engine.chain;

import io.stablegate.engine.money.Chain;

/** A validated wallet address in its canonical text form. */
public sealed interface ChainAddress permits EvmAddress, TronAddress {

  /** Canonical form: EIP-55 checksummed {@code 0x…} for EVM chains, base58check {@code T…} for Tron. */
  String value();

  /** Parses and validates {@code text} as an address on {@code chain}. */
  static ChainAddress parse(Chain chain, String text) {
    return chain.isEvm() ? EvmAddress.parse(text) : TronAddress.parse(text);
  }
}
