package io.stablegate.engine.ledger;

import io.stablegate.engine.serialization.CborSerializable;

/**
 * The ledger's answer to a look-up, attach or dismiss of an unmatched transfer: done (with the
 * transfer as it stands), not found (no such unmatched transfer on this wallet), or a conflict (it
 * is attached or dismissed already; {@code transfer} says how).
 */
public record Resolution(Outcome outcome, UnmatchedTransfer transfer, String reason) implements CborSerializable {

  public enum Outcome {
    DONE,
    NOT_FOUND,
    CONFLICT
  }

  static Resolution done(UnmatchedTransfer transfer) {
    return new Resolution(Outcome.DONE, transfer, null);
  }

  static Resolution notFound(String reason) {
    return new Resolution(Outcome.NOT_FOUND, null, reason);
  }

  static Resolution conflict(UnmatchedTransfer transfer, String reason) {
    return new Resolution(Outcome.CONFLICT, transfer, reason);
  }
}
