package io.stablegate.engine.ledger;

import java.util.concurrent.CompletionStage;

/**
 * Completes an attach whose credit the invoice has not recorded yet (the node asking crashed between
 * the ledger's step and the invoice's). Given to the ledger by the coordinator of attaches, which
 * lives where conversations spanning invoice and ledger do; the ledger calls it when it wakes with
 * such an attach. Idempotent: it ends with {@link WalletLedgerCommand.MarkCredited}.
 */
@FunctionalInterface
public interface AttachCompletion {
  CompletionStage<?> complete(String ledgerEntityId, UnmatchedTransfer attached);
}
