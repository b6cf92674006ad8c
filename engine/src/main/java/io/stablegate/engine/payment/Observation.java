package io.stablegate.engine.payment;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.ledger.TransferRoute;

/** What became of one transfer of a batch handed to {@link PaymentMatcher#observeAll}. */
public sealed interface Observation {

  Transfer transfer();

  /** Routed (durably) and, when it pays an invoice, recorded by that invoice. */
  record Recorded(Transfer transfer, TransferRoute route) implements Observation {}

  /**
   * The invoice its ledger routed it to answered and said no. Asking again would get the same
   * answer, so a watcher logs it and goes on rather than stall the chain on it.
   */
  record Refused(Transfer transfer, TransferRoute route, String reason) implements Observation {}
}
