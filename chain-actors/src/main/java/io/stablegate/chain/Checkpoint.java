package io.stablegate.chain;

import io.stablegate.chain.WatcherEvent.BlocksScanned;
import io.stablegate.chain.WatcherEvent.ReorgRolledBack;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.serialization.CborSerializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a watcher stands: the last block fully processed, the hashes of the recent blocks (oldest
 * first, to find the common ancestor after a reorg) and the transfers not final yet.
 *
 * @param scanned the last block fully processed, or -1 before the first scan
 * @param recent the last {@code hashHistory} blocks up to {@code scanned}, consecutive, oldest first
 */
public record Checkpoint(long scanned, List<BlockRef> recent, List<PendingTransfer> pending, boolean deepReorg)
    implements CborSerializable {

  public Checkpoint {
    recent = List.copyOf(recent);
    pending = List.copyOf(pending);
  }

  public static Checkpoint empty() {
    return new Checkpoint(-1, List.of(), List.of(), false);
  }

  public boolean started() {
    return scanned >= 0;
  }

  public Optional<BlockRef> block(long number) {
    if (recent.isEmpty()) {
      return Optional.empty();
    }
    long index = number - recent.get(0).number();
    return index < 0 || index >= recent.size() ? Optional.empty() : Optional.of(recent.get((int) index));
  }

  public Checkpoint apply(WatcherEvent event, int hashHistory) {
    return switch (event) {
      case BlocksScanned e -> {
        List<BlockRef> blocks = new ArrayList<>(recent);
        blocks.addAll(e.blocks());
        List<BlockRef> kept = blocks.subList(Math.max(0, blocks.size() - hashHistory), blocks.size());
        Set<TransferKey> finalized = new HashSet<>(e.finalized());
        List<PendingTransfer> next = new ArrayList<>();
        pending.stream().filter(p -> !finalized.contains(p.transfer().key())).forEach(next::add);
        e.detected().stream().filter(p -> !finalized.contains(p.transfer().key())).forEach(next::add);
        long tip = e.blocks().isEmpty() ? scanned : e.blocks().get(e.blocks().size() - 1).number();
        yield new Checkpoint(tip, kept, next, deepReorg);
      }
      case ReorgRolledBack e -> new Checkpoint(e.ancestor(),
          recent.stream().filter(b -> b.number() <= e.ancestor()).toList(),
          pending.stream().filter(p -> p.transfer().blockNumber() <= e.ancestor()).toList(),
          deepReorg || e.deep());
    };
  }
}
