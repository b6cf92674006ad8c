package io.stablegate.app.audit;

/**
 * A broken invariant of the journal: where it was found and what is wrong. {@code seqNr} is the
 * sequence number of the offending event within its persistence id (for a missing event, the number
 * that is missing).
 */
public record Violation(String persistenceId, long seqNr, String message) {

  @Override
  public String toString() {
    return persistenceId + " seq " + seqNr + ": " + message;
  }
}
