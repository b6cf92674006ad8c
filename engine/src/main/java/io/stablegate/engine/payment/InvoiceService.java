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
import io.stablegate.engine.money.Token;
import java.math.BigDecimal;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merchant-side operations on invoices, each a short conversation with the sharded entities.
 * A failed stage carries either a {@link org.apache.pekko.pattern.StatusReply.ErrorMessage} (the
 * entity refused: a 4xx) or a {@link java.util.concurrent.TimeoutException} (no answer: a 503).
 */
public final class InvoiceService {
  private static final Logger log = LoggerFactory.getLogger(InvoiceService.class);

  /**
   * A validated request for a new invoice; its payAmount is still to be allocated. {@code
   * underpaymentTolerancePercent} is the merchant's tolerance at this moment (null: 0).
   */
  public record NewInvoice(UUID invoiceId, InvoiceTerms terms, BigDecimal underpaymentTolerancePercent) {
    /** Without an underpayment tolerance. */
    public NewInvoice(UUID invoiceId, InvoiceTerms terms) {
      this(invoiceId, terms, BigDecimal.ZERO);
    }
  }

  private final ClusterSharding sharding;
  private final EngineSettings settings;

  public InvoiceService(ActorSystem<?> system) {
    this.sharding = ClusterSharding.get(system);
    this.settings = EngineSettings.fromConfig(system.settings().config());
  }

  /**
   * Reserves a unique payAmount on the wallet's ledger, then creates the invoice with it. If the
   * creation fails and the invoice entity confirms that no such invoice exists, the payAmount is
   * given back at once; the stage still fails with the creation's error. The merchant's tolerance at
   * this moment goes with both (the ledger's slot and the creation event): it is what every transfer
   * to this invoice is judged by, and an auditor reads it from the journal.
   */
  public CompletionStage<Invoice> create(NewInvoice request) {
    InvoiceTerms terms = request.terms();
    return ledger(terms.livemode(), terms.chain(), terms.token(), terms.address())
        .<PayAmount>askWithStatus(
            reply -> new WalletLedgerCommand.Allocate(request.invoiceId(), terms.amount(), terms.expiresAt(),
                request.underpaymentTolerancePercent(), reply),
            settings.askTimeout())
        .thenCompose(payAmount -> invoice(request.invoiceId()).<Invoice>askWithStatus(
                reply -> new InvoiceCommand.Create(
                    new InvoiceDraft(terms, payAmount.value(), settings.requiredConfirmations(terms.chain()),
                        request.underpaymentTolerancePercent()), reply),
                settings.askTimeout())
            .exceptionallyCompose(error -> giveBackIfNotCreated(request)
                .thenCompose(done -> CompletableFuture.<Invoice>failedFuture(error))));
  }

  /**
   * After a failed creation: the payAmount is released only when the entity answers that the invoice
   * does not exist. A creation that was refused because the invoice exists (another draft under the
   * same id), or that may still have been journaled (no answer), keeps its slot, since an existing
   * invoice must keep its payAmount. The entity answers in order, so this question comes after the
   * creation it follows.
   */
  private CompletionStage<Void> giveBackIfNotCreated(NewInvoice request) {
    return get(request.invoiceId()).handle((invoice, error) -> error != null && refused(error))
        .thenCompose(notCreated -> {
          if (!notCreated) {
            return CompletableFuture.<Void>completedFuture(null);
          }
          log.info("Invoice {} was not created; its payAmount is free again", request.invoiceId());
          return ledger(request.terms().livemode(), request.terms().chain(), request.terms().token(),
              request.terms().address())
              .<org.apache.pekko.Done>askWithStatus(
                  reply -> new WalletLedgerCommand.Release(request.invoiceId(), ReleaseReason.NOT_CREATED, reply),
                  settings.askTimeout())
              .handle((done, releaseError) -> {
                if (releaseError != null) {
                  log.warn("Could not release the payAmount of uncreated invoice {} ({}); it frees itself when "
                      + "its hold ends", request.invoiceId(), releaseError.toString());
                }
                return null;
              });
        });
  }

  /** The tokens an invoice on {@code chain} may be asked in. */
  public Set<Token> tokens(Chain chain) {
    return settings.tokens(chain);
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

  /** Expires the invoice if it is PENDING or PARTIALLY_PAID and due; otherwise leaves it as it is. */
  public CompletionStage<Invoice> expire(UUID invoiceId) {
    return invoice(invoiceId).askWithStatus(InvoiceCommand.Expire::new, settings.askTimeout());
  }

  /**
   * Tells the wallet ledger that the invoice no longer needs its payAmount. Losing this message is
   * harmless: the slot then frees itself when its hold ends.
   */
  public CompletionStage<Void> release(Invoice invoice, ReleaseReason reason) {
    return ledger(invoice.livemode(), invoice.chain(), invoice.token(), invoice.address())
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

  /** Whether a failed ask was the entity's refusal ({@link StatusReply#error}) rather than no answer. */
  private static boolean refused(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e instanceof StatusReply.ErrorMessage;
  }

  private EntityRef<InvoiceCommand> invoice(UUID invoiceId) {
    return sharding.entityRefFor(InvoiceEntity.ENTITY_KEY, invoiceId.toString());
  }

  /** The wallet's ledger for live invoices, or for test invoices (test mode). */
  private EntityRef<WalletLedgerCommand> ledger(boolean livemode, Chain chain, Token token, String address) {
    return sharding.entityRefFor(WalletLedger.key(livemode), WalletLedger.entityId(chain, token, address));
  }
}
