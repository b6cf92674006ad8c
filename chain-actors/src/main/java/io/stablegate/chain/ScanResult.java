package io.stablegate.chain;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import java.util.List;
import java.util.Set;

/** What one read of the chain found, before the engine is told anything. */
public sealed interface ScanResult {

  String endpoint();

  long head();

  /**
   * The chain went on from the checkpoint: {@code blocks} link to the last scanned block (possibly
   * none), {@code transfers} are the new ones to watched wallets, {@code finalKeys} the transfers
   * (pending or new) that reached the confirmation depth and whose block was re-read and is still
   * canonical.
   */
  record Advanced(String endpoint, long head, long tip, List<BlockRef> blocks, List<Transfer> transfers,
      Set<TransferKey> finalKeys) implements ScanResult {}

  /** The blocks after {@code ancestor} are no longer canonical. */
  record Reorganized(String endpoint, long head, long ancestor, long previousTip, boolean deep)
      implements ScanResult {}
}
