package io.stablegate.engine.payment;

import io.stablegate.engine.chain.EvmAddress;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TronAddress;
import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.ledger.TransferRoute;
import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Test mode's payments: a transfer that no chain carried, sent to a test invoice's wallet through the
 * same path as a watched one. The wallet's test ledger routes it by amount (so, as on a chain, an
 * amount that is another open test invoice's payAmount pays that invoice); the invoice records it with
 * the confirmations asked for, and a payment with the invoice's required confirmations is final at
 * once. An amount that matches no payAmount is, once final, attached to the invoice as the merchant
 * would attach an unmatched transfer: a partial payment or an overpayment. Webhooks follow from the
 * invoice's events as for live invoices, marked {@code livemode: false}.
 *
 * <p>Live invoices cannot be reached: only test ledgers are asked, and they hold only test invoices.
 */
public final class PaymentSimulator {

  /** What to simulate: {@code amount} to the invoice's wallet, seen with {@code confirmations}. */
  public record SimulatedPayment(BigDecimal amount, int confirmations) {}

  /** The simulation was refused; {@code field} names the request field at fault (null: the invoice). */
  public static final class SimulationRefused extends RuntimeException {
    private final String field;

    public SimulationRefused(String field, String message) {
      super(message);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final PaymentMatcher matcher;
  private final UnmatchedTransferService unmatched;
  private final InvoiceService invoices;
  private final Clock clock;

  public PaymentSimulator(ActorSystem<?> system, InvoiceService invoices, Clock clock) {
    this.matcher = new PaymentMatcher(system, false);
    this.unmatched = new UnmatchedTransferService(system, false);
    this.invoices = invoices;
    this.clock = clock;
  }

  /**
   * Simulates {@code payment} to test invoice {@code invoice}; completes with the invoice the transfer
   * paid (normally {@code invoice}) as it stands afterwards, or fails with {@link SimulationRefused}.
   */
  public CompletionStage<Invoice> simulate(Invoice invoice, SimulatedPayment payment, Attribution by) {
    if (invoice.livemode()) {
      throw new IllegalArgumentException("only test invoices take simulated payments");
    }
    Transfer transfer = transfer(invoice, payment.amount());
    int seen = Math.min(payment.confirmations(), invoice.requiredConfirmations());
    boolean isFinal = payment.confirmations() >= invoice.requiredConfirmations();
    return matcher.observeAll(List.of(transfer), t -> seen).thenCompose(observations -> {
      TransferRoute route = switch (observations.get(0)) {
        case Observation.Refused refused ->
            throw new SimulationRefused(null, "The invoice refused the payment: " + refused.reason());
        case Observation.Recorded recorded -> recorded.route();
      };
      if (route.matched()) {
        return isFinal
            ? matcher.confirm(route.invoiceId(), transfer.key(), payment.confirmations())
            : invoices.get(route.invoiceId());
      }
      if (!isFinal) {
        throw new SimulationRefused("confirmations", "An amount that is no open invoice's payAmount is credited "
            + "only once final, by attaching it: send confirmations of at least "
            + invoice.requiredConfirmations() + ", or the payAmount " + invoice.payAmount().toPlainString());
      }
      return matcher.recordUnmatched(transfer)
          .thenCompose(done -> unmatched.attach(by, invoice.address(), transfer.key(), invoice.id()));
    });
  }

  private Transfer transfer(Invoice invoice, BigDecimal amount) {
    byte[] hash = new byte[32];
    byte[] payer = new byte[20];
    RANDOM.nextBytes(hash);
    RANDOM.nextBytes(payer);
    boolean tron = invoice.chain() == Chain.TRON;
    String txHash = (tron ? "" : "0x") + HexFormat.of().formatHex(hash);
    String from = tron ? TronAddress.fromBytes(payer).value() : EvmAddress.fromBytes(payer).value();
    return new Transfer(invoice.chain(), txHash, 0, from, invoice.address(), amount, 0,
        (tron ? "" : "0x") + "0".repeat(64), clock.instant(), invoice.token());
  }
}
