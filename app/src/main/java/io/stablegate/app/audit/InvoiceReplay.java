package io.stablegate.app.audit;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.engine.invoice.InvoiceEvent;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCancelled;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCreated;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceExpired;
import io.stablegate.engine.invoice.CreditRule;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceOverpaid;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePaid;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePartiallyPaid;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentAttached;
import io.stablegate.engine.credit.PaymentSource;
import io.stablegate.engine.credit.Tolerance;
import java.math.BigDecimal;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmationsUpdated;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmed;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentDetected;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentReverted;
import io.stablegate.engine.invoice.InvoiceState;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.Payment;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.rates.PriceConversion;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * Rebuilds one invoice from its events, in sequence-number order, with the engine's own event
 * handler ({@link InvoiceState#apply}), and checks every event against the state it meets: the
 * sequence has no gap, the event links by hash to the one before, it is something the engine
 * could have persisted in that state, and the status change it makes is legal (the event handler
 * refuses one that is not, as it does in the entity). The first broken invariant is kept and later
 * events are ignored.
 *
 * <p>The checks that span invoices (a transfer credits at most one invoice) need every invoice;
 * this class hands out the {@link #credits()} for {@link CreditedTransfers} to check.
 */
final class InvoiceReplay {
  static final String PERSISTENCE_ID_PREFIX = InvoiceEntity.ENTITY_KEY.name() + "|";

  private final String persistenceId;
  private InvoiceState state = new InvoiceState.Empty();
  private long lastSeqNr;
  private final List<Credit> credits = new ArrayList<>();
  /** The transfers this invoice detected (a handful), for what its credits claim to be on chain. */
  private final Map<TransferKey, Transfer> detections = new HashMap<>();
  /** The amount of the latest credit and what was due when it came: what an InvoicePaid must rest on. */
  private BigDecimal lastCredit;
  private BigDecimal dueAtLastCredit;
  private Violation violation;
  private boolean finished;
  /** Set while the current event's prevHash did not match: the previous event's actual hash. */
  private String brokenLink;
  private String brokenLinkRecorded;

  InvoiceReplay(String persistenceId) {
    this.persistenceId = persistenceId;
  }

  static boolean isInvoice(String persistenceId) {
    return persistenceId.startsWith(PERSISTENCE_ID_PREFIX);
  }

  /**
   * Replays one stored event. {@code ordering} is the journal's global position of the row, kept to
   * tell which of two credits of one transfer came later.
   */
  InvoiceReplay accept(long seqNr, long ordering, Object payload) {
    if (violation != null) {
      return this;
    }
    long expected = lastSeqNr + 1;
    if (seqNr != expected) {
      return fail(expected, seqNr > expected
          ? "event " + expected + (seqNr - 1 > expected ? " to " + (seqNr - 1) : "") + " missing (next stored is "
              + seqNr + ")"
          : "sequence number " + seqNr + " stored after " + lastSeqNr);
    }
    lastSeqNr = seqNr;
    if (!(payload instanceof InvoiceEvent event)) {
      return fail(seqNr, "not an invoice event: " + payload.getClass().getName());
    }
    String type = event.getClass().getSimpleName();
    if (brokenLink != null) {
      // Event k (the previous one) did not link to k-1. If this one links to k, k is what its
      // successor committed to, so k-1 is the one that changed; otherwise k fits neither neighbour.
      long k = seqNr - 1;
      return event.prevHash().equals(state.lastHash())
          ? fail(k - 1, "event " + (k - 1) + " was altered: it hashes to " + brokenLink
              + ", but event " + k + " recorded its hash as " + brokenLinkRecorded)
          : fail(k, "event " + k + " links to neither event " + (k - 1) + " nor event " + seqNr
              + ": it was altered, moved or forged");
    }
    if (!event.prevHash().equals(state.lastHash())) {
      if (seqNr == 1) {
        return fail(seqNr, type + " does not start the hash chain (prevHash " + event.prevHash()
            + ", expected GENESIS)");
      }
      // Which of the two changed is told by the next event, if there is one.
      brokenLink = state.lastHash();
      brokenLinkRecorded = event.prevHash();
    }
    if (!persistenceId.equals(PERSISTENCE_ID_PREFIX + event.invoiceId())) {
      return fail(seqNr, type + " belongs to invoice " + event.invoiceId());
    }
    Optional<String> refusal = state instanceof Invoice invoice
        ? refusal(invoice, event)
        : event instanceof InvoiceCreated created ? wrongPrice(created) : Optional.of("the first event is " + type);
    if (refusal.isPresent()) {
      return fail(seqNr, refusal.get() + unlinked());
    }
    InvoiceState before = state;
    try {
      // the engine's own event handler: it refuses an event that breaks the lifecycle, as it did
      // (before persisting) in the entity
      state = state.apply(event);
    } catch (IllegalStateException e) {
      return fail(seqNr, e.getMessage() + unlinked());
    }
    Invoice after = (Invoice) state;
    if (event instanceof InvoicePaid paid) {
      Optional<String> wrongPaid = wrongPaid((Invoice) before, after, paid);
      if (wrongPaid.isPresent()) {
        return fail(seqNr, wrongPaid.get() + unlinked());
      }
    }
    Optional<String> wrongSum = switch (event) {
      case InvoicePartiallyPaid e -> sumDiffers("InvoicePartiallyPaid", e.amountPaid(), after);
      case InvoiceOverpaid e -> sumDiffers("InvoiceOverpaid", e.amountPaid(), after);
      default -> Optional.empty();
    };
    if (wrongSum.isPresent()) {
      return fail(seqNr, wrongSum.get() + unlinked());
    }
    if (event instanceof PaymentAttached attached) {
      Transfer transfer = attached.transfer();
      lastCredit = transfer.amount();
      dueAtLastCredit = ((Invoice) before).due();
      credits.add(new Credit(transfer.key(), persistenceId, seqNr, ordering, transfer.to(), transfer.amount(),
          transfer.blockNumber(), transfer.blockHash(), after.token()));
    }
    if (event instanceof PaymentDetected detected) {
      detections.put(detected.transfer().key(), detected.transfer());
    }
    if (event instanceof PaymentConfirmed confirmed) {
      TransferKey key = new TransferKey(after.chain(), confirmed.txHash(), confirmed.logIndex());
      // refusal() proved the payment was detected by this invoice.
      Transfer transfer = detections.get(key);
      lastCredit = transfer.amount();
      dueAtLastCredit = ((Invoice) before).due();
      credits.add(new Credit(key, persistenceId, seqNr, ordering, transfer.to(), transfer.amount(),
          transfer.blockNumber(), transfer.blockHash(), after.token()));
    }
    return this;
  }

  /** Checks that need the whole invoice; call after its last event (again: nothing more is done). */
  InvoiceReplay finish() {
    if (finished) {
      return this;
    }
    finished = true;
    if (violation != null) {
      return this;
    }
    if (brokenLink != null) {
      return fail(lastSeqNr, "the last event " + lastSeqNr + " does not link to event " + (lastSeqNr - 1)
          + " (which hashes to " + brokenLink + ", not " + brokenLinkRecorded + "): one of the two was altered");
    }
    if (!(state instanceof Invoice invoice)) {
      return fail(lastSeqNr + 1, "no events");
    }
    // Only for invoices paid the plain way (no attach, no remainder): the others are judged event by event.
    boolean plain = invoice.payments().stream().noneMatch(p -> p.source() == PaymentSource.ATTACHED);
    boolean covered = invoice.amountPaid().compareTo(invoice.payAmount()) >= 0;
    if (plain && covered && invoice.status() != InvoiceStatus.PAID) {
      return fail(lastSeqNr, "final payments of " + Amounts.format(invoice.amountPaid()) + " cover the payAmount "
          + Amounts.format(invoice.payAmount()) + " but the invoice is " + invoice.status());
    }
    return this;
  }

  /**
   * A priced invoice's amount must be its price converted at its rate: price / rate rounded up to 2
   * decimals, recomputed from the creation event alone.
   */
  private static Optional<String> wrongPrice(InvoiceCreated created) {
    if (created.price() == null) {
      return Optional.empty();
    }
    if (created.rate() == null || created.rate().signum() <= 0 || created.rateSource() == null
        || created.rateAt() == null) {
      return Optional.of("InvoiceCreated has a price but no positive rate, rateSource and rateAt");
    }
    BigDecimal expected = PriceConversion.tokenAmount(created.price().amount(), created.rate());
    return expected.compareTo(created.amount()) == 0
        ? Optional.empty()
        : Optional.of("InvoiceCreated asks " + Amounts.format(created.amount()) + " USDT, but its price "
            + Amounts.format(created.price().amount()) + " " + created.price().currency() + " at rate "
            + created.rate().toPlainString() + " is " + Amounts.format(expected) + " USDT");
  }

  /** Why the engine could not have persisted {@code event} on {@code invoice}, if it could not. */
  private static Optional<String> refusal(Invoice invoice, InvoiceEvent event) {
    return switch (event) {
      case InvoiceCreated e -> Optional.of("a second InvoiceCreated");
      case PaymentDetected e -> {
        Transfer t = e.transfer();
        boolean amountFits = switch (e.sourceOrMatched()) {
          case MATCHED -> t.amount().compareTo(invoice.payAmount()) == 0;
          case TOLERANCE -> Tolerance.inWindow(t.amount(), invoice.due(), invoice.underpaymentTolerancePercent());
          case ATTACHED -> false;
        };
        if (t.chain() != invoice.chain() || !t.to().equals(invoice.address()) || !amountFits) {
          yield Optional.of("PaymentDetected of transfer " + t.key() + " (" + Amounts.format(t.amount()) + " to "
              + t.to() + ") does not pay this invoice (" + invoice.chain() + ", "
              + Amounts.format(invoice.payAmount()) + " to " + invoice.address() + ")");
        }
        yield invoice.payment(t.key()).isPresent()
            ? Optional.of("transfer " + t.key() + " detected a second time")
            : Optional.empty();
      }
      case PaymentConfirmationsUpdated e -> openPayment(invoice, e.txHash(), e.logIndex(), "PaymentConfirmationsUpdated");
      case PaymentConfirmed e -> {
        Optional<String> unknown = openPayment(invoice, e.txHash(), e.logIndex(), "PaymentConfirmed");
        if (unknown.isPresent()) {
          yield unknown;
        }
        yield e.confirmations() < invoice.requiredConfirmations()
            ? Optional.of("PaymentConfirmed with " + e.confirmations() + " of " + invoice.requiredConfirmations()
                + " required confirmations")
            : Optional.empty();
      }
      case PaymentReverted e -> openPayment(invoice, e.txHash(), e.logIndex(), "PaymentReverted");
      case PaymentAttached e -> attachRefusal(invoice, e);
      case InvoicePartiallyPaid e -> {
        if (!invoice.status().canBecome(InvoiceStatus.PARTIALLY_PAID)) {
          yield Optional.of("InvoicePartiallyPaid on an invoice that is " + invoice.status());
        }
        yield e.amountDue().compareTo(invoice.due()) != 0
            ? Optional.of("InvoicePartiallyPaid says " + Amounts.format(e.amountDue()) + " remains due, but the credits"
                + " leave " + Amounts.format(invoice.due()))
            : Optional.empty();
      }
      case InvoiceOverpaid e -> Optional.empty();
      case InvoicePaid e -> !invoice.status().canMoveTo(InvoiceStatus.PAID)
          ? Optional.of("InvoicePaid on an invoice that is " + invoice.status()) : Optional.empty();
      case InvoiceExpired e -> {
        if (!invoice.status().canMoveTo(InvoiceStatus.EXPIRED)) {
          yield Optional.of("InvoiceExpired on an invoice that is " + invoice.status());
        }
        yield e.at().isBefore(invoice.expiresAt())
            ? Optional.of("InvoiceExpired at " + e.at() + ", before its expiry time " + invoice.expiresAt())
            : Optional.empty();
      }
      case InvoiceCancelled e -> !invoice.status().canMoveTo(InvoiceStatus.CANCELLED)
          ? Optional.of("InvoiceCancelled on an invoice that is " + invoice.status()) : Optional.empty();
      // Delivery records touch no money and no status; they must concern a webhook event of this invoice.
      case InvoiceEvent.WebhookAttempted e -> invoice.webhook(e.webhookEventId(), e.endpointId()).isEmpty()
          ? Optional.of("WebhookAttempted for event " + e.webhookEventId() + " and endpoint " + e.endpointId()
              + ", which this invoice never raised")
          : Optional.empty();
      case InvoiceEvent.WebhookEndpointsResolved e -> invoice.webhook(e.webhookEventId()).isEmpty()
          ? Optional.of("WebhookEndpointsResolved for event " + e.webhookEventId()
              + ", which this invoice never raised")
          : Optional.empty();
      case InvoiceEvent.WebhookRedeliveryRequested e -> invoice.webhook(e.webhookEventId()).isEmpty()
          ? Optional.of("WebhookRedeliveryRequested for event " + e.webhookEventId()
              + ", which this invoice never raised")
          : Optional.empty();
    };
  }

  /**
   * An attach must name who made it (this invoice's merchant, and how), credit a transfer to this
   * invoice's address that it has not credited before, and leave due what the credit rule says.
   */
  private static Optional<String> attachRefusal(Invoice invoice, PaymentAttached e) {
    Transfer t = e.transfer();
    if (e.attachedBy() == null || e.attachedBy().merchantId() == null || e.attachedBy().via() == null) {
      return Optional.of("PaymentAttached of transfer " + t.key() + " does not name who attached it");
    }
    if (!e.attachedBy().merchantId().equals(invoice.merchantId())) {
      return Optional.of("PaymentAttached of transfer " + t.key() + " names merchant " + e.attachedBy().merchantId()
          + ", not the invoice's merchant " + invoice.merchantId());
    }
    if (t.chain() != invoice.chain() || !t.to().equals(invoice.address())) {
      return Optional.of("PaymentAttached of transfer " + t.key() + " (to " + t.to() + ") does not pay this invoice ("
          + invoice.chain() + ", " + invoice.address() + ")");
    }
    if (invoice.payment(t.key()).isPresent()) {
      return Optional.of("transfer " + t.key() + " attached to an invoice that already has it");
    }
    BigDecimal remainder = CreditRule.of(invoice, t.amount()).remainder();
    return e.amountDue().compareTo(remainder) != 0
        ? Optional.of("PaymentAttached says " + Amounts.format(e.amountDue()) + " remains due after a credit of "
            + Amounts.format(t.amount()) + ", but the credit rule leaves " + Amounts.format(remainder))
        : Optional.empty();
  }

  private static Optional<String> sumDiffers(String type, BigDecimal stated, Invoice after) {
    return stated.compareTo(after.amountPaid()) != 0
        ? Optional.of(type + " says " + Amounts.format(stated) + " paid, but the credits sum to "
            + Amounts.format(after.amountPaid()))
        : Optional.empty();
  }

  /** The payment must exist and not be final yet. */
  private static Optional<String> openPayment(Invoice invoice, String txHash, int logIndex, String type) {
    TransferKey key = new TransferKey(invoice.chain(), txHash, logIndex);
    Optional<Payment> payment = invoice.payment(key);
    if (payment.isEmpty()) {
      return Optional.of(type + " of transfer " + key + ", which this invoice has not detected");
    }
    return payment.get().isFinal() ? Optional.of(type + " of transfer " + key + ", which is already final")
        : Optional.empty();
  }

  private Optional<String> wrongPaid(Invoice before, Invoice after, InvoicePaid paid) {
    if (paid.amountPaid().compareTo(after.amountPaid()) != 0) {
      return Optional.of("InvoicePaid says " + Amounts.format(paid.amountPaid()) + " paid, but the final payments sum to "
          + Amounts.format(after.amountPaid()));
    }
    if (lastCredit == null || !Tolerance.covers(lastCredit, dueAtLastCredit, before.underpaymentTolerancePercent())) {
      return Optional.of("InvoicePaid with final payments of " + Amounts.format(after.amountPaid())
          + ": the last credit" + (lastCredit == null ? "" : " of " + Amounts.format(lastCredit))
          + " does not cover what was due" + (dueAtLastCredit == null ? "" : " (" + Amounts.format(dueAtLastCredit)
          + ", tolerance " + Tolerance.describe(before.underpaymentTolerancePercent()) + ")"));
    }
    if (paid.wasUnderpaid() != (lastCredit.compareTo(dueAtLastCredit) < 0)) {
      return Optional.of("InvoicePaid underpaid=" + paid.wasUnderpaid() + " after a credit of "
          + Amounts.format(lastCredit) + " with " + Amounts.format(dueAtLastCredit) + " due");
    }
    boolean late = before.status() == InvoiceStatus.EXPIRED || before.status() == InvoiceStatus.CANCELLED;
    return paid.late() != late
        ? Optional.of("InvoicePaid late=" + paid.late() + " on an invoice that was " + before.status())
        : Optional.empty();
  }

  private String unlinked() {
    return brokenLink == null ? "" : " (and its prevHash does not link to event " + (lastSeqNr - 1) + ")";
  }

  private InvoiceReplay fail(long seqNr, String message) {
    violation = new Violation(persistenceId, seqNr, message);
    return this;
  }

  String persistenceId() {
    return persistenceId;
  }

  Optional<Violation> violation() {
    return Optional.ofNullable(violation);
  }

  /** The rebuilt invoice, if its first event was replayed. */
  Optional<Invoice> invoice() {
    return state instanceof Invoice invoice ? Optional.of(invoice) : Optional.empty();
  }

  /** Final credits in event order; after a violation, only those before it. */
  List<Credit> credits() {
    return credits;
  }

  long events() {
    return lastSeqNr;
  }

  /** Hash of the last replayed event: the invoice's head, to anchor elsewhere. */
  String headHash() {
    return state.lastHash();
  }
}
