package io.stablegate.engine.ledger;

import io.stablegate.engine.serialization.CborSerializable;
import java.util.List;

/** The answer to {@link WalletLedgerCommand.RouteAll}: one route per transfer, in the order asked. */
public record TransferRoutes(List<TransferRoute> routes) implements CborSerializable {
  public TransferRoutes {
    routes = List.copyOf(routes);
  }
}
