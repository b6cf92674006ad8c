package io.stablegate.chain;

import io.stablegate.engine.chain.Transfer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import io.stablegate.engine.money.Token;

/**
 * One chain node behind one endpoint. Every call blocks and may throw; callers run it on the
 * blocking dispatcher and treat any exception as "this endpoint failed".
 */
public interface ChainClient extends AutoCloseable {

  /** The endpoint, safe to show on the health endpoint (no credentials). */
  String endpoint();

  long headNumber() throws Exception;

  /** The block at {@code number}, or empty when the node does not have it (yet). */
  Optional<BlockRef> block(long number) throws Exception;

  /** The node does not have a block it announced, or not yet: ask again later. */
  final class BlockNotAvailable extends IllegalStateException {
    public BlockNotAvailable(long number) {
      super("node has no block " + number + " yet");
    }
  }

  /** Exactly the blocks {@code from..to}, in order; fails if the node lacks any of them. */
  default List<BlockRef> blocks(long from, long to) throws Exception {
    List<BlockRef> blocks = new java.util.ArrayList<>();
    for (long n = from; n <= to; n++) {
      long number = n;
      blocks.add(block(n).orElseThrow(() -> new BlockNotAvailable(number)));
    }
    return blocks;
  }

  /**
   * The watched tokens' transfers to one of {@code watched} in {@code blocks} (consecutive, as returned by
   * {@link #blocks}), in chain order. Each transfer carries the hash of the block the node read it
   * from, so the caller can tell whether the chain moved under it.
   */
  List<Transfer> transfers(List<BlockRef> blocks, Set<String> watched) throws Exception;

  /** The tokens this client reads, each with the decimals read from its contract when it connected. */
  List<WatchedToken> tokens();

  /**
   * The configured tokens turned off, with the reason (no contract code at that address on this chain,
   * no {@code decimals()}, decimals other than configured); the chain's other tokens keep working.
   */
  default Map<Token, String> tokensOff() {
    return Map.of();
  }

  /** The watched token whose contract (canonical form) is {@code contract}, if any. */
  default Optional<WatchedToken> token(String contract) {
    return tokens().stream().filter(t -> t.contract().equals(contract)).findFirst();
  }

  /**
   * One transaction as the node has it now, with every {@code Transfer} log it emitted (whatever
   * contract emitted it), numbered as {@link #transfers} numbers them; empty if the node knows no
   * such mined transaction. For audits and payers' claims; the watcher does not use it.
   */
  Optional<TransactionLogs> transactionLogs(String txHash) throws Exception;

  @Override
  void close();

  /** Blocks by number, for the implementations. */
  static Map<Long, BlockRef> byNumber(List<BlockRef> blocks) {
    Map<Long, BlockRef> map = new java.util.HashMap<>();
    blocks.forEach(b -> map.put(b.number(), b));
    return map;
  }
}
