package io.stablegate.engine.claims;

import java.time.Duration;

/** No endpoint of the chain answered (or the chain is not enabled here): try again after {@code retryAfter}. */
public final class ChainUnavailableException extends RuntimeException {
  private final Duration retryAfter;

  public ChainUnavailableException(String message, Duration retryAfter) {
    super(message, null, false, false);
    this.retryAfter = retryAfter;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
