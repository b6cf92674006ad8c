package io.stablegate.engine.claims;

import com.typesafe.config.Config;
import io.stablegate.engine.EngineSettings;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.claims.ChainTransaction.TokenTransfer;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.ledger.ClaimOutcome;
import io.stablegate.engine.ledger.WalletLedger;
import io.stablegate.engine.ledger.WalletLedgerCommand;
import io.stablegate.engine.money.Amounts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * A payer's claim that a transaction pays an invoice ("paid but not shown?"). The transaction is read
 * from the invoice's chain; the claim either finds that it already pays the invoice, or is recorded
 * on the unmatched transfer for the merchant to see, or is refused with the reason in words. A claim
 * never credits anything: anyone can read a chain and point at someone else's transfer.
 */
public final class PayerClaims {

  /** What became of a claim. */
  public sealed interface Verdict {
    /** A transfer in the transaction already pays this invoice. */
    record Credited() implements Verdict {}

    /**
     * Recorded for the merchant on the unmatched transfer; {@code awaitingFinality}: the transfer is
     * not final (or not yet seen) and the claim is shown on it once it is kept as unmatched.
     */
    record Recorded(boolean awaitingFinality) implements Verdict {}

    /** The transaction cannot belong to this invoice; {@code detail} says why in words. */
    record Refused(Reason reason, String detail) implements Verdict {}
  }

  /** Why a claim is refused; {@code code} names it in the problem type of the 422. */
  public enum Reason {
    NO_SUCH_TRANSACTION("no-such-transaction"),
    NO_TRANSFER_TO_ADDRESS("no-transfer-to-address"),
    PAYS_ANOTHER_INVOICE("pays-another-invoice"),
    MINED_BEFORE_INVOICE("mined-before-invoice");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /**
   * From {@code stablegate.claims}.
   *
   * @param minedBeforeMargin a transfer whose block is older than the invoice's creation by more
   *     than this cannot be for it (the margin allows for block timestamps that run a little behind)
   */
  public record Settings(Duration minedBeforeMargin) {
    public static Settings fromConfig(Config root) {
      return new Settings(root.getConfig("stablegate.claims").getDuration("mined-before-margin"));
    }
  }

  private final ClusterSharding sharding;
  private final ChainTransactions chains;
  private final EngineSettings engine;
  private final Settings settings;

  public PayerClaims(ActorSystem<?> system, ChainTransactions chains) {
    this.sharding = ClusterSharding.get(system);
    this.chains = chains;
    this.engine = EngineSettings.fromConfig(system.settings().config());
    this.settings = Settings.fromConfig(system.settings().config());
  }

  /**
   * Judges the claim that {@code txHash} (canonical for the invoice's chain, see {@link ClaimTxHash})
   * pays {@code invoice}. Fails with {@link ChainUnavailableException} if the chain cannot be read,
   * or with the ledger's timeout.
   */
  public CompletionStage<Verdict> claim(Invoice invoice, String txHash) {
    if (invoice.payments().stream().anyMatch(p -> p.txHash().equals(txHash))) {
      return CompletableFuture.completedFuture(new Verdict.Credited());
    }
    return chains.find(invoice.chain(), txHash).thenCompose(found -> {
      if (found.isEmpty()) {
        return refused(Reason.NO_SUCH_TRANSACTION, "No transaction " + txHash + " is mined on " + invoice.chain()
            + ". Check that you copied the whole hash and chose the right network; a transaction just sent may"
            + " take a moment to be mined.");
      }
      ChainTransaction tx = found.get();
      List<TokenTransfer> toAddress = tx.succeeded()
          ? tx.tokenTransfers().stream()
              .filter(t -> t.to().equals(invoice.address()) && t.token() == invoice.token()).toList()
          : List.of();
      if (toAddress.isEmpty()) {
        return refused(Reason.NO_TRANSFER_TO_ADDRESS, tx.succeeded()
            ? "Transaction " + txHash + " holds no " + invoice.token() + " transfer to this invoice's address "
                + invoice.address() + "."
            : "Transaction " + txHash + " failed on chain and moved no " + invoice.token() + ".");
      }
      if (tx.blockTime().isBefore(invoice.createdAt().minus(settings.minedBeforeMargin()))) {
        return refused(Reason.MINED_BEFORE_INVOICE, "Transaction " + txHash + " was mined at " + tx.blockTime()
            + ", before this invoice was created (" + invoice.createdAt() + "), so it cannot pay it.");
      }
      return askLedger(invoice, tx, toAddress);
    });
  }

  /** Each transfer to the address, one after another: the ledger records the claim or says what it pays. */
  private CompletionStage<Verdict> askLedger(Invoice invoice, ChainTransaction tx, List<TokenTransfer> transfers) {
    EntityRef<WalletLedgerCommand> ledger = sharding.entityRefFor(WalletLedger.key(invoice.livemode()),
        WalletLedger.entityId(invoice.chain(), invoice.token(), invoice.address()));
    List<ClaimOutcome> outcomes = new ArrayList<>();
    CompletionStage<List<ClaimOutcome>> asked = CompletableFuture.completedFuture(outcomes);
    for (TokenTransfer t : transfers) {
      TransferKey key = new TransferKey(invoice.chain(), tx.txHash(), t.logIndex());
      asked = asked.thenCompose(soFar -> ledger.<ClaimOutcome>askWithStatus(
              reply -> new WalletLedgerCommand.RecordClaim(key, invoice.id(), reply), engine.askTimeout())
          .thenApply(outcome -> {
            soFar.add(outcome);
            return soFar;
          }));
    }
    return asked.thenApply(all -> {
      if (all.stream().anyMatch(o -> o.result() == ClaimOutcome.Result.PAYS_INVOICE
          && invoice.id().equals(o.invoiceId()))) {
        return new Verdict.Credited();
      }
      if (all.stream().anyMatch(o -> o.result() == ClaimOutcome.Result.RECORDED)) {
        return new Verdict.Recorded(false);
      }
      if (all.stream().anyMatch(o -> o.result() == ClaimOutcome.Result.AWAITING_TRANSFER)) {
        return new Verdict.Recorded(true);
      }
      TokenTransfer first = transfers.get(0);
      return new Verdict.Refused(Reason.PAYS_ANOTHER_INVOICE, "The transfer of " + Amounts.format(first.amount())
          + " " + invoice.token() + " in transaction " + tx.txHash() + " already pays another invoice, so it cannot pay this one.");
    });
  }

  private static CompletionStage<Verdict> refused(Reason reason, String detail) {
    return CompletableFuture.completedFuture(new Verdict.Refused(reason, detail));
  }
}
