package io.stablegate.chain;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.serialization.CborSerializable;
import java.util.UUID;

/** A transfer seen but not final yet, with the invoice its wallet's ledger routed it to (null: none). */
public record PendingTransfer(Transfer transfer, UUID invoiceId) implements CborSerializable {
  public boolean matched() {
    return invoiceId != null;
  }
}
