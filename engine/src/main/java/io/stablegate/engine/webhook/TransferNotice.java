package io.stablegate.engine.webhook;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.serialization.CborSerializable;
import java.util.List;
import java.util.UUID;

/** What a {@code transfer.unmatched} webhook event tells: the transfer, and its candidate invoices. */
public record TransferNotice(Transfer transfer, List<UUID> candidates) implements CborSerializable {
  public TransferNotice {
    candidates = candidates == null ? List.of() : List.copyOf(candidates);
  }
}
