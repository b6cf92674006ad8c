package io.stablegate.app.audit;

import java.util.Comparator;
import java.util.Optional;

/**
 * The violations an audit found: how many, and the first in a fixed order, {@code (persistence id,
 * sequence number)}. Invoices are replayed concurrently and finish in any order, so "the first
 * found" would change from run to run; the smallest is the same on every run, because the audit
 * reads the whole journal and every violation it can find is found. Memory: one violation and a count.
 */
final class Findings {
  static final Comparator<Violation> ORDER = Comparator.comparing(Violation::persistenceId)
      .thenComparingLong(Violation::seqNr)
      .thenComparing(Violation::message);

  private Violation first;
  private long count;

  synchronized void add(Violation violation) {
    count++;
    if (first == null || ORDER.compare(violation, first) < 0) {
      first = violation;
    }
  }

  synchronized void add(Optional<Violation> violation) {
    violation.ifPresent(this::add);
  }

  synchronized Optional<Violation> first() {
    return Optional.ofNullable(first);
  }

  synchronized long count() {
    return count;
  }
}
