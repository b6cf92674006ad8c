package io.stablegate.app.audit;

import io.stablegate.engine.chain.TransferKey;
import java.util.Optional;

/**
 * A broken invariant of the journal: where it was found and what is wrong. {@code seqNr} is the
 * sequence number of the offending event within its persistence id (for a missing event, the number
 * that is missing). {@code doubleCredit}: the transfer, when the violation is a second credit of it
 * (its message names the earliest credit once the whole journal is read, see {@link CreditedTransfers}).
 */
public record Violation(String persistenceId, long seqNr, String message, Optional<TransferKey> doubleCredit) {

  public Violation(String persistenceId, long seqNr, String message) {
    this(persistenceId, seqNr, message, Optional.empty());
  }

  @Override
  public String toString() {
    return persistenceId + " seq " + seqNr + ": " + message;
  }
}
