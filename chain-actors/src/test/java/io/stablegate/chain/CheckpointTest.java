package io.stablegate.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CheckpointTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static List<BlockRef> blocks(long from, long to) {
    List<BlockRef> blocks = new ArrayList<>();
    for (long n = from; n <= to; n++) {
      blocks.add(new BlockRef(n, "h" + n, "h" + (n - 1), T));
    }
    return blocks;
  }

  private static PendingTransfer pending(long block) {
    return new PendingTransfer(new Transfer(Chain.ETHEREUM, "0xt" + block, 0, "0xa", "0xb", BigDecimal.ONE, block,
        "h" + block, T), UUID.randomUUID());
  }

  @Test
  void keepsTheRecentHashesAndThePendingTransfersUntilFinal() {
    PendingTransfer early = pending(3);
    PendingTransfer late = pending(9);
    Checkpoint cp = Checkpoint.empty()
        .apply(new WatcherEvent.BlocksScanned(blocks(1, 6), List.of(early), List.of(), T), 5)
        .apply(new WatcherEvent.BlocksScanned(blocks(7, 10), List.of(late), List.of(early.transfer().key()), T), 5);
    assertThat(cp.scanned()).isEqualTo(10);
    assertThat(cp.recent()).extracting(BlockRef::number).containsExactly(6L, 7L, 8L, 9L, 10L);
    assertThat(cp.block(8)).map(BlockRef::hash).contains("h8");
    assertThat(cp.block(5)).isEmpty();
    assertThat(cp.pending()).containsExactly(late);
  }

  @Test
  void aRollbackForgetsTheBlocksAndTransfersAfterTheAncestor() {
    PendingTransfer kept = pending(4);
    PendingTransfer orphaned = pending(7);
    Checkpoint cp = Checkpoint.empty()
        .apply(new WatcherEvent.BlocksScanned(blocks(1, 8), List.of(kept, orphaned), List.of(), T), 100)
        .apply(new WatcherEvent.ReorgRolledBack(5, 8, List.of(orphaned.transfer().key()), false, T), 100);
    assertThat(cp.scanned()).isEqualTo(5);
    assertThat(cp.recent()).extracting(BlockRef::number).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(cp.pending()).containsExactly(kept);
    assertThat(cp.deepReorg()).isFalse();
  }
}
