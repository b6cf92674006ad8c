package io.stablegate.engine.payment;

import io.stablegate.engine.EngineSettings;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.invoice.CreditRule;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceCommand;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.ledger.AttachCompletion;
import io.stablegate.engine.ledger.ReleaseReason;
import io.stablegate.engine.ledger.Resolution;
import io.stablegate.engine.ledger.UnmatchedTransfer;
import io.stablegate.engine.ledger.WalletLedger;
import io.stablegate.engine.ledger.PayAmount;
import io.stablegate.engine.ledger.WalletLedgerCommand;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.UUID;
import java.util.List;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merchant's resolutions of unmatched transfers, each a conversation between the wallet ledger
 * (which keeps the transfer and its state) and the invoice (which records the credit).
 *
 * <p>An attach: the ledger marks the transfer attached to the invoice only if it is still open (one
 * actor per wallet, so of two attaches of one transfer, from any nodes, exactly one gets past this
 * step); then the invoice records the credit (it ignores a transfer it has already credited); then
 * the ledger notes the credit recorded. A crash between the steps leaves the transfer "attached,
 * awaiting credit": the same attach asked again completes it (the ledger lets the same invoice
 * through while the credit is missing), and so does the ledger itself when it next wakes ({@link
 * #complete}, the {@link AttachCompletion} it is given). So a transfer is credited at most once, and
 * an attach that was answered 200 is never lost.
 *
 * <p>When the credit leaves a remainder on an invoice still waiting for payment, the ledger first
 * allocates the remainder's payAmount (unique by the same rule as every payAmount), then the invoice
 * records credit and new payAmount together; if the invoice changed in between, it refuses and the
 * credit is planned again.
 */
public final class UnmatchedTransferService implements AttachCompletion {
  private static final Logger log = LoggerFactory.getLogger(UnmatchedTransferService.class);
  private static final int MAX_PLANS = 5;

  private final EntityTypeKey<WalletLedgerCommand> ledgerType;
  private final ClusterSharding sharding;
  private final EngineSettings settings;

  /** The resolutions on live wallet ledgers (unmatched chain transfers). */
  public UnmatchedTransferService(ActorSystem<?> system) {
    this(system, true);
  }

  /** With {@code livemode} false, on the test ledgers: simulated transfers credited to test invoices. */
  public UnmatchedTransferService(ActorSystem<?> system, boolean livemode) {
    this.ledgerType = WalletLedger.key(livemode);
    this.sharding = ClusterSharding.get(system);
    this.settings = EngineSettings.fromConfig(system.settings().config());
  }

  /**
   * The unmatched transfer {@code key} on the merchant's wallet {@code address}: asked of the wallet's
   * ledger of each token of the chain in turn (USDT first), since the key does not say the token.
   */
  public CompletionStage<UnmatchedTransfer> get(String address, TransferKey key) {
    return find(address, key).thenApply(Found::transfer);
  }

  /** An unmatched transfer and the token ledger that holds it. */
  private record Found(Token token, UnmatchedTransfer transfer) {}

  private CompletionStage<Found> find(String address, TransferKey key) {
    List<Token> tokens = new ArrayList<>(List.of(Token.USDT));
    settings.tokens(key.chain()).stream().filter(t -> t != Token.USDT).sorted().forEach(tokens::add);
    return find(address, key, tokens, 0);
  }

  private CompletionStage<Found> find(String address, TransferKey key, List<Token> tokens, int i) {
    Token token = tokens.get(i);
    return ledger(key.chain(), token, address)
        .<Resolution>askWithStatus(reply -> new WalletLedgerCommand.GetUnmatched(key, reply), settings.askTimeout())
        .thenApply(r -> new Found(token, accepted(r)))
        .handle((found, error) -> {
          if (error == null) {
            return CompletableFuture.completedFuture(found);
          }
          if (i + 1 < tokens.size() && unwrap(error) instanceof ResolutionRefused refused
              && refused.kind() == ResolutionRefused.Kind.NOT_FOUND) {
            return find(address, key, tokens, i + 1);
          }
          return CompletableFuture.<Found>failedFuture(error);
        })
        .thenCompose(stage -> stage);
  }

  /**
   * Attaches the unmatched transfer {@code key} on the merchant's wallet {@code address} to {@code
   * invoiceId}; completes with the invoice after the credit, or fails with {@link ResolutionRefused}.
   */
  public CompletionStage<Invoice> attach(Attribution by, String address, TransferKey key, UUID invoiceId) {
    UUID requestId = UUID.randomUUID();
    return find(address, key)
        .thenCompose(found -> invoice(invoiceId).<Invoice>askWithStatus(InvoiceCommand.Get::new,
                settings.askTimeout())
            .handle((inv, error) -> {
              if (error != null) {
                if (unwrap(error) instanceof StatusReply.ErrorMessage) {
                  throw new ResolutionRefused(ResolutionRefused.Kind.NOT_FOUND, null, "invoice not found");
                }
                throw error instanceof CompletionException c ? c : new CompletionException(error);
              }
              checkFits(by, inv, found.transfer().transfer(), address);
              return inv;
            }))
        .thenCompose(inv -> ledger(key.chain(), inv.token(), address).<Resolution>askWithStatus(
            reply -> new WalletLedgerCommand.Attach(key, invoiceId, requestId, by, reply), settings.askTimeout()))
        .thenApply(UnmatchedTransferService::accepted)
        .thenCompose(attached -> credit(address, attached));
  }

  /** Dismisses the open unmatched transfer with {@code note}; completes with it, or fails with {@link ResolutionRefused}. */
  public CompletionStage<UnmatchedTransfer> dismiss(Attribution by, String address, TransferKey key, String note) {
    UUID requestId = UUID.randomUUID();
    return find(address, key).thenCompose(found -> ledger(key.chain(), found.token(), address)
        .<Resolution>askWithStatus(reply -> new WalletLedgerCommand.Dismiss(key, note, requestId, by, reply),
            settings.askTimeout())
        .thenApply(UnmatchedTransferService::accepted));
  }

  @Override
  public CompletionStage<?> complete(String ledgerEntityId, UnmatchedTransfer attached) {
    log.info("Completing the attach of {} to invoice {}", attached.transfer().key(), attached.invoiceId());
    return credit(WalletLedger.addressOf(ledgerEntityId), attached);
  }

  /** The invoice's side of an attach, then the ledger's note that it is done. */
  private CompletionStage<Invoice> credit(String address, UnmatchedTransfer attached) {
    Transfer transfer = attached.transfer();
    return creditInvoice(attached.invoiceId(), transfer, attached.resolvedBy(), address, 1)
        .thenCompose(inv -> ledger(transfer.chain(), transfer.asset(), address)
            .<Done>askWithStatus(reply -> new WalletLedgerCommand.MarkCredited(transfer.key(), inv.id(), reply),
                settings.askTimeout())
            .thenCompose(done -> inv.status() == InvoiceStatus.PAID
                ? release(inv).thenApply(v -> inv)
                : CompletableFuture.completedFuture(inv)));
  }

  private CompletionStage<Invoice> creditInvoice(UUID invoiceId, Transfer transfer, Attribution by, String address,
      int plan) {
    EntityRef<InvoiceCommand> invoice = invoice(invoiceId);
    return invoice.<Invoice>askWithStatus(InvoiceCommand.Get::new, settings.askTimeout())
        .thenCompose(inv -> {
          if (inv.payment(transfer.key()).isPresent()) {
            return CompletableFuture.completedFuture(inv);
          }
          CreditRule rule = CreditRule.of(inv, transfer.amount());
          CompletionStage<BigDecimal> payAmount = rule.needsPayAmount(inv)
              ? ledger(inv.chain(), inv.token(), address).<PayAmount>askWithStatus(
                  reply -> new WalletLedgerCommand.AllocateRemainder(invoiceId, rule.remainder(), inv.expiresAt(), reply),
                  settings.askTimeout()).thenApply(PayAmount::value)
              : CompletableFuture.completedFuture(null);
          return payAmount.thenCompose(pay -> invoice.<Invoice>askWithStatus(
                  reply -> new InvoiceCommand.AttachPayment(transfer, by, rule.needsPayAmount(inv) ? rule.remainder()
                      : null, pay, reply), settings.askTimeout())
              .handle((credited, error) -> {
                if (error == null) {
                  return CompletableFuture.completedFuture(credited);
                }
                if (plan < MAX_PLANS && unwrap(error) instanceof StatusReply.ErrorMessage m
                    && InvoiceEntity.StaleAttach.MESSAGE.equals(m.getMessage())) {
                  return creditInvoice(invoiceId, transfer, by, address, plan + 1);
                }
                return CompletableFuture.<Invoice>failedFuture(error);
              })
              .thenCompose(stage -> stage));
        });
  }

  private CompletionStage<Void> release(Invoice invoice) {
    return ledger(invoice.chain(), invoice.token(), invoice.address())
        .<Done>askWithStatus(reply -> new WalletLedgerCommand.Release(invoice.id(), ReleaseReason.PAID, reply),
            settings.askTimeout())
        .handle((done, error) -> {
          if (error != null) {
            log.warn("Could not release the payAmount of invoice {} ({}); it frees itself when its hold ends",
                invoice.id(), error.toString());
          }
          return null;
        });
  }

  /** The invoice must be the merchant's (404) and on the transfer's chain, token and address (422). */
  private static void checkFits(Attribution by, Invoice invoice, Transfer transfer, String address) {
    if (!invoice.merchantId().equals(by.merchantId())) {
      throw new ResolutionRefused(ResolutionRefused.Kind.NOT_FOUND, null, "invoice not found");
    }
    if (invoice.chain() != transfer.chain()) {
      throw new ResolutionRefused(ResolutionRefused.Kind.UNPROCESSABLE, "chain",
          "the invoice is on " + invoice.chain() + ", the transfer on " + transfer.chain());
    }
    if (invoice.token() != transfer.asset()) {
      throw new ResolutionRefused(ResolutionRefused.Kind.UNPROCESSABLE, "token",
          "the invoice is in " + invoice.token() + ", the transfer is " + transfer.asset());
    }
    if (!invoice.address().equals(address) || !transfer.to().equals(address)) {
      throw new ResolutionRefused(ResolutionRefused.Kind.UNPROCESSABLE, "address",
          "the invoice is payable to " + invoice.address() + ", the transfer went to " + transfer.to());
    }
  }

  private static UnmatchedTransfer accepted(Resolution r) {
    return switch (r.outcome()) {
      case DONE -> r.transfer();
      case NOT_FOUND -> throw new ResolutionRefused(ResolutionRefused.Kind.NOT_FOUND, null, r.reason());
      case CONFLICT -> throw new ResolutionRefused(ResolutionRefused.Kind.CONFLICT, null, r.reason());
    };
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private EntityRef<InvoiceCommand> invoice(UUID invoiceId) {
    return sharding.entityRefFor(InvoiceEntity.ENTITY_KEY, invoiceId.toString());
  }

  private EntityRef<WalletLedgerCommand> ledger(Chain chain, Token token, String address) {
    return sharding.entityRefFor(ledgerType, WalletLedger.entityId(chain, token, address));
  }

}
