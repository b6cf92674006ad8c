package io.stablegate.engine.ledger;

import io.stablegate.engine.EngineSettings;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceCommand;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.engine.invoice.InvoiceService;
import io.stablegate.engine.invoice.InvoiceStatus;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * What a chain watcher tells the engine, as one call per fact. Every call is idempotent, so a
 * watcher that is unsure whether a call landed (a timeout, a restart) simply makes it again.
 */
public final class PaymentMatcher {
  private final ClusterSharding sharding;
  private final EngineSettings settings;
  private final InvoiceService invoices;

  public PaymentMatcher(ActorSystem<?> system) {
    this.sharding = ClusterSharding.get(system);
    this.settings = EngineSettings.fromConfig(system.settings().config());
    this.invoices = new InvoiceService(system);
  }

  /**
   * A transfer to a watched wallet was seen in a block with {@code confirmations} so far. The
   * wallet's ledger decides which invoice it pays (always the same one for the same transfer); that
   * invoice records the payment. Completes with the route once both are persisted.
   */
  public CompletionStage<TransferRoute> observe(Transfer transfer, int confirmations) {
    return ledger(transfer)
        .<TransferRoute>askWithStatus(reply -> new WalletLedgerCommand.Route(transfer, reply), settings.askTimeout())
        .thenCompose(route -> {
          if (!route.matched()) {
            return java.util.concurrent.CompletableFuture.completedFuture(route);
          }
          return invoice(route.invoiceId())
              .<Invoice>askWithStatus(reply -> new InvoiceCommand.RecordPayment(transfer, confirmations, reply),
                  settings.askTimeout())
              .thenApply(invoice -> route);
        });
  }

  public CompletionStage<Invoice> updateConfirmations(UUID invoiceId, TransferKey transfer, int confirmations) {
    return invoice(invoiceId).askWithStatus(
        reply -> new InvoiceCommand.UpdateConfirmations(transfer, confirmations, reply), settings.askTimeout());
  }

  /** The payment is final; if that pays the invoice, its payAmount is freed on the ledger. */
  public CompletionStage<Invoice> confirm(UUID invoiceId, TransferKey transfer, int confirmations) {
    return invoice(invoiceId)
        .<Invoice>askWithStatus(reply -> new InvoiceCommand.ConfirmPayment(transfer, confirmations, reply),
            settings.askTimeout())
        .thenCompose(invoice -> invoice.status() == InvoiceStatus.PAID
            ? invoices.release(invoice, ReleaseReason.PAID).thenApply(v -> invoice)
            : java.util.concurrent.CompletableFuture.completedFuture(invoice));
  }

  public CompletionStage<Invoice> revert(UUID invoiceId, TransferKey transfer) {
    return invoice(invoiceId).askWithStatus(
        reply -> new InvoiceCommand.RevertPayment(transfer, reply), settings.askTimeout());
  }

  /** A transfer that matched no invoice is final: keep it for the merchant to see. */
  public CompletionStage<Done> recordUnmatched(Transfer transfer) {
    return ledger(transfer).askWithStatus(
        reply -> new WalletLedgerCommand.RecordUnmatched(transfer, reply), settings.askTimeout());
  }

  private EntityRef<InvoiceCommand> invoice(UUID invoiceId) {
    return sharding.entityRefFor(InvoiceEntity.ENTITY_KEY, invoiceId.toString());
  }

  private EntityRef<WalletLedgerCommand> ledger(Transfer transfer) {
    return sharding.entityRefFor(WalletLedger.ENTITY_KEY, WalletLedger.entityId(transfer.chain(), transfer.to()));
  }
}
