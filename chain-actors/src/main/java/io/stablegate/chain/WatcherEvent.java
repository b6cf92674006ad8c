package io.stablegate.chain;

import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.serialization.CborSerializable;
import java.time.Instant;
import java.util.List;

/** What a chain watcher persists: its progress along the chain. */
public sealed interface WatcherEvent extends CborSerializable {

  /**
   * Blocks were scanned (consecutive, following the last scanned one); their new transfers were
   * routed, and the transfers in {@code finalized} were told final (or recorded as unmatched).
   */
  record BlocksScanned(List<BlockRef> blocks, List<PendingTransfer> detected, List<TransferKey> finalized,
      Instant at) implements WatcherEvent {}

  /**
   * The blocks after {@code ancestor} left the canonical chain; the invoices of {@code reverted} were
   * told. {@code deep} when the reorg reached the confirmation depth.
   */
  record ReorgRolledBack(long ancestor, long previousTip, List<TransferKey> reverted, boolean deep, Instant at)
      implements WatcherEvent {}
}
