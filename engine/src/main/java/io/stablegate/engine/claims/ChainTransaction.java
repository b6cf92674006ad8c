package io.stablegate.engine.claims;

import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A mined transaction as a chain's node reports it: where it is, whether it succeeded, and the
 * {@code Transfer} logs of the chain's configured token it emitted, numbered as the watcher numbers
 * them (the block-wide log index on EVM chains, the position in the transaction's logs on Tron).
 *
 * @param txHash canonical: {@code 0x} and 64 lower-case hex digits on EVM chains, 64 on Tron
 * @param blockTime the block's own timestamp
 */
public record ChainTransaction(Chain chain, String txHash, long blockNumber, Instant blockTime, boolean succeeded,
    List<TokenTransfer> tokenTransfers) {

  public ChainTransaction {
    tokenTransfers = List.copyOf(tokenTransfers);
  }

  /**
   * One transfer of a watched token; {@code from} and {@code to} canonical, {@code amount} exact,
   * {@code token} the stablecoin whose contract emitted it.
   */
  public record TokenTransfer(int logIndex, String from, String to, BigDecimal amount, Token token) {

    /** A USDT transfer. */
    public TokenTransfer(int logIndex, String from, String to, BigDecimal amount) {
      this(logIndex, from, to, amount, Token.USDT);
    }
  }
}
