package io.stablegate.engine.chain;

import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import io.stablegate.engine.serialization.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A token transfer seen on chain. {@code token} is the stablecoin whose contract emitted it, null for
 * USDT: a USDT transfer encodes exactly as every one journaled before tokens existed (null fields are
 * left out of event hashes); {@link #asset()} is never null. {@code amount} is exact (base units divided by the token's
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
    Instant blockTime,
    Token token)
    implements CborSerializable {

  public Transfer {
    token = token == Token.USDT ? null : token;
  }

  /** A USDT transfer, as every transfer was before tokens. */
  public Transfer(Chain chain, String txHash, int logIndex, String from, String to, BigDecimal amount,
      long blockNumber, String blockHash, Instant blockTime) {
    this(chain, txHash, logIndex, from, to, amount, blockNumber, blockHash, blockTime, null);
  }

  /** The token transferred (USDT when {@code token} is null). */
  public Token asset() {
    return token == null ? Token.USDT : token;
  }

  public TransferKey key() {
    return new TransferKey(chain, txHash, logIndex);
  }
}
