package io.stablegate.chain.evm;

/**
 * How many blocks one {@code eth_getLogs} asks for. Providers cap the range (or the result size) and
 * say so with an error; the range then halves, and grows back after a run of successes, so a
 * watcher finds each provider's limit by itself.
 */
final class LogRange {
  private static final int GROW_AFTER = 8;

  private final int max;
  private int size;
  private int successes;

  LogRange(int max) {
    this.max = Math.max(1, max);
    this.size = this.max;
  }

  int size() {
    return size;
  }

  /** Halves the range; false when it is already a single block and cannot shrink. */
  boolean shrink() {
    successes = 0;
    if (size == 1) {
      return false;
    }
    size = Math.max(1, size / 2);
    return true;
  }

  void succeeded() {
    if (++successes >= GROW_AFTER && size < max) {
      size = Math.min(max, size * 2);
      successes = 0;
    }
  }

  /**
   * Whether an error means "ask for fewer blocks": -32005 (limit exceeded) and the wordings providers
   * use for the same thing under other codes.
   */
  static boolean isRangeTooLarge(int code, String message) {
    if (code == -32005) {
      return true;
    }
    String m = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
    return m.contains("range") || m.contains("too large") || m.contains("too many") || m.contains("limit")
        || m.contains("exceed") || m.contains("response size");
  }
}
