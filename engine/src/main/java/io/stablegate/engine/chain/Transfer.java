package io.stablegate.engine.chain;

import io.stablegate.engine.money.Chain;
import io.stablegate.engine.serialization.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A USDT transfer seen on chain. {@code amount} is exact (base units divided by the token's
 * decimals); {@code from} and {@code to} are canonical addresses of the chain; {@code blockTime} is
 * the block's own timestamp, which decides whether a transfer came within an invoice's window.
 */
public record Transfer(
    Chain chain,
    String txHash,
    int logIndex,
    String from,
    String to,
    BigDecimal amount,
    long blockNumber,
    String blockHash,
    Instant blockTime)
    implements CborSerializable {

  public TransferKey key() {
    return new TransferKey(chain, txHash, logIndex);
  }
}
