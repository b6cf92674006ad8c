package io.stablegate.chain;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read of the chain from a checkpoint, on one endpoint, with blocking calls only: the next
 * blocks (at most a cycle's worth), checked to link to the last scanned one; their transfers to
 * watched wallets; and, for transfers deep enough to be final, a fresh look that their block is
 * still canonical. It never touches the engine, so it can be repeated on another endpoint at will.
 */
final class ChainScanner {
  private static final Logger log = LoggerFactory.getLogger(ChainScanner.class);

  /** The node's view changed while it was being read; reading again is all it takes. */
  static final class ChainMovedException extends RuntimeException {
    ChainMovedException(String message) {
      super(message);
    }
  }

  private final WatcherSettings settings;

  ChainScanner(WatcherSettings settings) {
    this.settings = settings;
  }

  /**
   * @param watched read after the head, so every wallet that existed before a block in range was
   *     mined is in it (a wallet is set before its invoice, its invoice before the payment)
   */
  ScanResult scan(ChainClient client, Checkpoint checkpoint, Supplier<Set<String>> watched) throws Exception {
    long head = client.headNumber();
    Set<String> wallets = watched.get();
    if (!checkpoint.started()) {
      long start = settings.startBlock().orElse(head);
      return advance(client, checkpoint, head, start, wallets);
    }
    long scanned = checkpoint.scanned();
    if (head <= scanned) {
      // Nothing new, or a node behind us: still make sure our tip is on its chain.
      BlockRef ours = checkpoint.block(head).orElseThrow(() -> new IllegalStateException(
          "node's head " + head + " is far behind the checkpoint at " + scanned));
      Optional<BlockRef> theirs = client.block(head);
      if (theirs.isPresent() && !theirs.get().hash().equals(ours.hash())) {
        return reorganized(client, checkpoint, head);
      }
      return finalityOnly(client, checkpoint, head, wallets);
    }
    return advance(client, checkpoint, head, scanned + 1, wallets);
  }

  private ScanResult advance(ChainClient client, Checkpoint checkpoint, long head, long from, Set<String> wallets)
      throws Exception {
    long to = Math.min(head, from + settings.maxBlocksPerCycle() - 1);
    if (to < from) {
      return new ScanResult.Advanced(client.endpoint(), head, checkpoint.scanned(), List.of(), List.of(), Set.of());
    }
    List<BlockRef> blocks = client.blocks(from, to);
    if (blocks.size() != to - from + 1 || blocks.get(0).number() != from) {
      throw new IllegalStateException("asked for blocks " + from + ".." + to + ", got " + blocks.size());
    }
    Optional<BlockRef> parent = checkpoint.block(from - 1);
    if (parent.isPresent() && !blocks.get(0).parentHash().equals(parent.get().hash())) {
      log.warn("{}: block {} does not follow our block {} ({} ≠ {}): reorganisation", settings.chain(), from,
          from - 1, blocks.get(0).parentHash(), parent.get().hash());
      return reorganized(client, checkpoint, head);
    }
    for (int i = 1; i < blocks.size(); i++) {
      if (!blocks.get(i).parentHash().equals(blocks.get(i - 1).hash())) {
        throw new ChainMovedException("block " + blocks.get(i).number() + " does not follow the block read before it");
      }
    }
    Map<Long, BlockRef> byNumber = ChainClient.byNumber(blocks);
    List<Transfer> transfers = client.transfers(blocks, wallets);
    for (Transfer t : transfers) {
      BlockRef block = byNumber.get(t.blockNumber());
      if (block == null || !block.hash().equals(t.blockHash())) {
        throw new ChainMovedException("transfer " + t.key() + " came from block " + t.blockHash()
            + ", not the block " + t.blockNumber() + " read before it");
      }
    }
    List<Transfer> candidates = new ArrayList<>(transfers);
    checkpoint.pending().forEach(p -> candidates.add(p.transfer()));
    Optional<Set<TransferKey>> finalKeys = canonicalFinal(client, candidates, to, byNumber);
    if (finalKeys.isEmpty()) {
      return reorganized(client, checkpoint, head);
    }
    return new ScanResult.Advanced(client.endpoint(), head, to, blocks, transfers, finalKeys.get());
  }

  private ScanResult finalityOnly(ChainClient client, Checkpoint checkpoint, long head, Set<String> wallets)
      throws Exception {
    long tip = checkpoint.scanned();
    List<Transfer> candidates = checkpoint.pending().stream().map(PendingTransfer::transfer).toList();
    Optional<Set<TransferKey>> finalKeys = canonicalFinal(client, candidates, tip, Map.of());
    if (finalKeys.isEmpty()) {
      return reorganized(client, checkpoint, head);
    }
    return new ScanResult.Advanced(client.endpoint(), head, tip, List.of(), List.of(), finalKeys.get());
  }

  /**
   * The transfers deep enough to be final whose block the node still has under the same hash; empty
   * when one of those blocks was replaced, which means a reorganisation the caller must walk back.
   */
  private Optional<Set<TransferKey>> canonicalFinal(ChainClient client, List<Transfer> candidates, long tip,
      Map<Long, BlockRef> justRead) throws Exception {
    Set<TransferKey> result = new HashSet<>();
    Map<Long, String> canonicalHash = new HashMap<>();
    for (Transfer t : candidates) {
      if (Confirmations.count(tip, t.blockNumber()) < settings.confirmations()) {
        continue;
      }
      String hash = canonicalHash.get(t.blockNumber());
      if (hash == null) {
        BlockRef fresh = justRead.containsKey(t.blockNumber())
            ? justRead.get(t.blockNumber())
            : client.block(t.blockNumber()).orElse(null);
        if (fresh == null) {
          throw new ChainMovedException("node no longer returns block " + t.blockNumber());
        }
        hash = fresh.hash();
        canonicalHash.put(t.blockNumber(), hash);
      }
      if (!hash.equals(t.blockHash())) {
        log.warn("{}: block {} of transfer {} was replaced before it became final", settings.chain(),
            t.blockNumber(), t.key());
        return Optional.empty();
      }
      result.add(t.key());
    }
    return Optional.of(result);
  }

  /** Walks back from the tip until the node's block hash equals the one remembered. */
  private ScanResult reorganized(ChainClient client, Checkpoint checkpoint, long head) throws Exception {
    long tip = checkpoint.scanned();
    List<BlockRef> recent = checkpoint.recent();
    long oldest = recent.get(0).number();
    long ancestor = oldest - 1;
    for (long n = Math.min(tip, head); n >= oldest; n--) {
      Optional<BlockRef> theirs = client.block(n);
      if (theirs.isPresent() && theirs.get().hash().equals(checkpoint.block(n).orElseThrow().hash())) {
        ancestor = n;
        break;
      }
    }
    if (ancestor < oldest) {
      log.warn("{}: no remembered block is still canonical; rescanning from block {}, before all we remember",
          settings.chain(), oldest);
    }
    boolean deep = tip - ancestor >= settings.confirmations();
    return new ScanResult.Reorganized(client.endpoint(), head, ancestor, tip, deep);
  }
}
