package io.stablegate.engine.ledger;

import io.stablegate.engine.serialization.CborSerializable;
import java.util.UUID;

/** Where the wallet ledger sent a transfer: the invoice it pays, or nowhere ({@code invoiceId} null). */
public record TransferRoute(UUID invoiceId) implements CborSerializable {

  public static TransferRoute unmatched() {
    return new TransferRoute(null);
  }

  public boolean matched() {
    return invoiceId != null;
  }
}
