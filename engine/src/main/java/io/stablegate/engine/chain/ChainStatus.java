package io.stablegate.engine.chain;

import io.stablegate.engine.money.Chain;
import io.stablegate.engine.serialization.CborSerializable;
import java.time.Instant;
import java.util.Map;

/**
 * What a chain watcher reports about itself, for the health endpoint and metrics.
 *
 * @param head the newest block the node reported
 * @param scanned the last block fully processed
 * @param endpoint the RPC endpoint in use
 * @param lastError the last error seen, or null
 * @param deepReorg whether a reorganisation deeper than the confirmation depth was ever seen
 * @param tokens each configured token's state: {@code "watching"}, or {@code "off: <reason>"}
 */
public record ChainStatus(
    Chain chain,
    long head,
    long scanned,
    String endpoint,
    String lastError,
    Instant lastErrorAt,
    boolean deepReorg,
    Instant updatedAt,
    Map<String, String> tokens)
    implements CborSerializable {

  public ChainStatus {
    tokens = tokens == null ? Map.of() : Map.copyOf(tokens);
  }

  /** Without token states (a watcher that has not connected yet). */
  public ChainStatus(Chain chain, long head, long scanned, String endpoint, String lastError, Instant lastErrorAt,
      boolean deepReorg, Instant updatedAt) {
    this(chain, head, scanned, endpoint, lastError, lastErrorAt, deepReorg, updatedAt, Map.of());
  }

  /** How many blocks the watcher is behind the head. */
  public long lag() {
    return Math.max(0, head - scanned);
  }
}
