package io.stablegate.engine.ledger;

import io.stablegate.engine.credit.PaymentSource;
import io.stablegate.engine.serialization.CborSerializable;
import java.util.List;
import java.util.UUID;

/**
 * Where the wallet ledger sent a transfer: the invoice it pays and how ({@code MATCHED} or {@code
 * TOLERANCE}), or nowhere ({@code invoiceId} null), with the invoices whose tolerance windows all
 * held it when that made it ambiguous.
 */
public record TransferRoute(UUID invoiceId, PaymentSource source, List<UUID> candidates) implements CborSerializable {

  public TransferRoute {
    source = invoiceId == null ? null : source == null ? PaymentSource.MATCHED : source;
    candidates = candidates == null ? List.of() : List.copyOf(candidates);
  }

  public TransferRoute(UUID invoiceId) {
    this(invoiceId, PaymentSource.MATCHED, List.of());
  }

  public static TransferRoute unmatched() {
    return new TransferRoute(null, null, List.of());
  }

  public boolean matched() {
    return invoiceId != null;
  }
}
