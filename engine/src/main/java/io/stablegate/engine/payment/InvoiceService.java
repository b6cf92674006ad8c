package io.stablegate.engine.payment;

import io.stablegate.engine.EngineSettings;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceCommand;
import io.stablegate.engine.invoice.InvoiceDraft;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.ledger.PayAmount;
import io.stablegate.engine.ledger.ReleaseReason;
import io.stablegate.engine.ledger.WalletLedger;
import io.stablegate.engine.ledger.WalletLedgerCommand;
import io.stablegate.engine.money.Chain;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merchant-side operations on invoices, each a short conversation with the sharded entities.
 * A failed stage carries either a {@link org.apache.pekko.pattern.StatusReply.ErrorMessage} (the
 * entity refused: a 4xx) or a {@link java.util.concurrent.TimeoutException} (no answer: a 503).
 */
public final class InvoiceService {
  private static final Logger log = LoggerFactory.getLogger(InvoiceService.class);

  /** A validated request for a new invoice; its payAmount is still to be allocated. */
  public record NewInvoice(UUID invoiceId, InvoiceTerms terms) {}

  private final ClusterSharding sharding;
  private final EngineSettings settings;

  public InvoiceService(ActorSystem<?> system) {
    this.sharding = ClusterSharding.get(system);
    this.settings = EngineSettings.fromConfig(system.settings().config());
  }

  /** Reserves a unique payAmount on the wallet's ledger, then creates the invoice with it. */
  public CompletionStage<Invoice> create(NewInvoice request) {
    InvoiceTerms terms = request.terms();
    return ledger(terms.chain(), terms.address())
        .<PayAmount>askWithStatus(
            reply -> new WalletLedgerCommand.Allocate(request.invoiceId(), terms.amount(), terms.expiresAt(), reply),
            settings.askTimeout())
        .thenCompose(payAmount -> invoice(request.invoiceId()).<Invoice>askWithStatus(
            reply -> new InvoiceCommand.Create(
                new InvoiceDraft(terms, payAmount.value(), settings.requiredConfirmations(terms.chain())), reply),
            settings.askTimeout()));
  }

  public CompletionStage<Invoice> get(UUID invoiceId) {
    return invoice(invoiceId).askWithStatus(InvoiceCommand.Get::new, settings.askTimeout());
  }

  /** Cancels a PENDING invoice; its payAmount stays reserved for the late-payment window. */
  public CompletionStage<Invoice> cancel(UUID invoiceId) {
    return invoice(invoiceId)
        .<Invoice>askWithStatus(InvoiceCommand.Cancel::new, settings.askTimeout())
        .thenCompose(cancelled -> release(cancelled, ReleaseReason.CANCELLED).thenApply(done -> cancelled));
  }

  /** Expires the invoice if it is PENDING and due; otherwise leaves it as it is. */
  public CompletionStage<Invoice> expire(UUID invoiceId) {
    return invoice(invoiceId).askWithStatus(InvoiceCommand.Expire::new, settings.askTimeout());
  }

  /**
   * Tells the wallet ledger that the invoice no longer needs its payAmount. Losing this message is
   * harmless: the slot then frees itself when its hold ends.
   */
  public CompletionStage<Void> release(Invoice invoice, ReleaseReason reason) {
    return ledger(invoice.chain(), invoice.address())
        .<org.apache.pekko.Done>askWithStatus(
            reply -> new WalletLedgerCommand.Release(invoice.id(), reason, reply), settings.askTimeout())
        .handle((done, error) -> {
          if (error != null) {
            log.warn("Could not release the payAmount of invoice {} ({}); it frees itself when its hold ends",
                invoice.id(), error.toString());
          }
          return null;
        });
  }

  private EntityRef<InvoiceCommand> invoice(UUID invoiceId) {
    return sharding.entityRefFor(InvoiceEntity.ENTITY_KEY, invoiceId.toString());
  }

  private EntityRef<WalletLedgerCommand> ledger(Chain chain, String address) {
    return sharding.entityRefFor(WalletLedger.ENTITY_KEY, WalletLedger.entityId(chain, address));
  }
}
