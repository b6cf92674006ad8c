package io.stablegate.engine.chain;

import io.stablegate.engine.money.Chain;
import io.stablegate.engine.serialization.CborSerializable;

/** What identifies one token transfer: it credits at most one invoice, at most once. */
public record TransferKey(Chain chain, String txHash, int logIndex) implements CborSerializable {
  @Override
  public String toString() {
    return chain + ":" + txHash + ":" + logIndex;
  }
}
