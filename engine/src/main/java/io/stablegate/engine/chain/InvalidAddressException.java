package io.stablegate.engine.chain;

/** An address that is not valid for its chain; the message says why, for the API to show. */
public final class InvalidAddressException extends IllegalArgumentException {
  public InvalidAddressException(String message) {
    super(message);
  }
}
