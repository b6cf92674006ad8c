package io.stablegate.engine.chain;

import io.stablegate.engine.money.Chain;
import io.stablegate.engine.serialization.CborSerializable;
import java.time.Instant;

/**
 * What a chain watcher reports about itself, for the health endpoint and metrics.
 *
 * @param head the newest block the node reported
 * @param scanned the last block fully processed
 * @param endpoint the RPC endpoint in use
 * @param lastError the last error seen, or null
 * @param deepReorg whether a reorganisation deeper than the confirmation depth was ever seen
 */
public record ChainStatus(
    Chain chain,
    long head,
    long scanned,
    String endpoint,
    String lastError,
    Instant lastErrorAt,
    boolean deepReorg,
    Instant updatedAt)
    implements CborSerializable {

  /** How many blocks the watcher is behind the head. */
  public long lag() {
    return Math.max(0, head - scanned);
  }
}
