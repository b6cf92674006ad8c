package io.stablegate.engine.claims;

import io.stablegate.engine.money.Chain;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Reads one transaction from a chain's node, for payers' claims. The engine defines what it needs;
 * the chain module implements it with the nodes' clients, and the node's composition root wires it.
 */
public interface ChainTransactions {

  /**
   * The transaction as the chain's node has it now; empty when the node knows no such mined
   * transaction. {@code txHash} is in the chain's canonical form ({@link ClaimTxHash#canonical}). The
   * stage fails with {@link ChainUnavailableException} when no endpoint of the chain answers (or the
   * chain is not enabled on this node).
   */
  CompletionStage<Optional<ChainTransaction>> find(Chain chain, String txHash);

  /** What a node that reads no chain answers: every chain is unavailable. */
  static ChainTransactions none() {
    return (chain, txHash) -> CompletableFuture.failedFuture(
        new ChainUnavailableException(chain + " is not read by this node", Duration.ofMinutes(5)));
  }
}
