package io.stablegate.app.audit;

import io.stablegate.engine.audit.EventHasher;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceEvent;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCancelled;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCreated;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceExpired;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePaid;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmationsUpdated;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmed;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentDetected;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentReverted;
import io.stablegate.engine.money.Amounts;
import java.io.PrintWriter;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Sequence;

/**
 * {@code audit invoice <id>}: one invoice's events, in order, each with what it says, its hash and
 * the status it leaves the invoice in; then the checks of {@link InvoiceReplay} for this invoice
 * alone (a double credit across invoices needs {@code audit verify}).
 */
final class InvoiceHistory {
  private final AuditDatabase database;

  InvoiceHistory(AuditDatabase database) {
    this.database = database;
  }

  /** Prints the history; whether the invoice exists and passes its checks. */
  boolean print(UUID invoiceId, PrintWriter out) throws InterruptedException, ExecutionException {
    String persistenceId = InvoiceReplay.PERSISTENCE_ID_PREFIX + invoiceId;
    InvoiceReplay replay = new InvoiceReplay(persistenceId);
    out.printf("Invoice %s (%s)%n", invoiceId, persistenceId);
    database.readJournal().currentEventsByPersistenceId(persistenceId, 0L, Long.MAX_VALUE)
        .runForeach(envelope -> describe(envelope, replay, out), database.system())
        .toCompletableFuture()
        .get();
    replay.finish();
    if (replay.events() == 0 && replay.violation().isPresent()) {
      out.printf("No events: no such invoice in this journal.%n");
      return false;
    }
    replay.invoice().ifPresent(invoice -> out.printf("Now %s: amountPaid %s of payAmount %s%s, %d payment(s), head hash %s%n",
        invoice.status(), Amounts.format(invoice.amountPaid()), Amounts.format(invoice.payAmount()),
        invoice.paidLate() ? " (paid late)" : "", invoice.payments().size(), replay.headHash()));
    if (replay.violation().isPresent()) {
      Violation v = replay.violation().get();
      out.printf("VIOLATION at sequence number %d: %s%n", v.seqNr(), v.message());
      return false;
    }
    out.printf("OK: the hash chain links from GENESIS, every transition is legal, the amounts add up.%n");
    return true;
  }

  private static void describe(EventEnvelope envelope, InvoiceReplay replay, PrintWriter out) {
    long ordering = envelope.offset() instanceof Sequence s ? s.value() : -1;
    boolean clean = replay.violation().isEmpty();
    replay.accept(envelope.sequenceNr(), ordering, envelope.event());
    if (!(envelope.event() instanceof InvoiceEvent event)) {
      out.printf("#%d  %s (not an invoice event)%n", envelope.sequenceNr(), envelope.event().getClass().getName());
      return;
    }
    String status = replay.invoice().map(Invoice::status).map(Enum::name).orElse("-");
    out.printf("#%-3d %s  %-27s %s%n", envelope.sequenceNr(), event.at(), event.getClass().getSimpleName(),
        what(event));
    out.printf("      status %s, hash %s, prevHash %s%s%n", status, EventHasher.hash(event), shortHash(event.prevHash()),
        clean && replay.violation().isPresent() ? "  <-- " + replay.violation().get().message() : "");
  }

  private static String shortHash(String hash) {
    return EventHasher.GENESIS.equals(hash) ? "GENESIS" : hash.substring(0, 16) + "…";
  }

  /** " (price 10 EUR at 0.92 from coinbase, 2026-…Z)" for a priced invoice, else nothing. */
  private static String priced(InvoiceCreated e) {
    return e.price() == null ? "" : String.format(" (price %s %s at %s from %s, %s)",
        Amounts.format(e.price().amount()), e.price().currency(), e.rate() == null ? "?" : e.rate().toPlainString(),
        e.rateSource(), e.rateAt());
  }

  private static String what(InvoiceEvent event) {
    return switch (event) {
      case InvoiceCreated e -> String.format("merchant %s asks %s USDT%s on %s to %s; payAmount %s; expires %s; "
              + "order %s; %d confirmations", e.merchantId(), Amounts.format(e.amount()), priced(e), e.chain(),
          e.address(), Amounts.format(e.payAmount()), e.expiresAt(), e.orderId(), e.requiredConfirmations());
      case PaymentDetected e -> String.format("transfer %s of %s from %s in block %d, %d confirmation(s)",
          e.transfer().key(), Amounts.format(e.transfer().amount()), e.transfer().from(),
          e.transfer().blockNumber(), e.confirmations());
      case PaymentConfirmationsUpdated e -> String.format("%s:%d now has %d confirmation(s)", e.txHash(),
          e.logIndex(), e.confirmations());
      case PaymentConfirmed e -> String.format("%s:%d final with %d confirmations", e.txHash(), e.logIndex(),
          e.confirmations());
      case PaymentReverted e -> String.format("%s:%d left the canonical chain", e.txHash(), e.logIndex());
      case InvoicePaid e -> String.format("paid %s USDT%s%s", Amounts.format(e.amountPaid()), e.late() ? " (late)" : "",
          e.wasUnderpaid() ? " (underpaid, within the tolerance)" : "");
      case InvoiceEvent.PaymentAttached e -> String.format("transfer %s of %s from %s attached by merchant %s (%s); "
              + "%s due after it", e.transfer().key(), Amounts.format(e.transfer().amount()), e.transfer().from(),
          e.attachedBy() == null ? "?" : e.attachedBy().merchantId(), e.attachedBy() == null ? "?" : e.attachedBy().via(),
          Amounts.format(e.amountDue()));
      case InvoiceEvent.InvoicePartiallyPaid e -> String.format("partially paid: %s USDT credited, %s due at payAmount %s",
          Amounts.format(e.amountPaid()), Amounts.format(e.amountDue()), Amounts.format(e.payAmount()));
      case InvoiceEvent.InvoiceOverpaid e -> String.format("overpaid: %s USDT credited", Amounts.format(e.amountPaid()));
      case InvoiceExpired e -> "expired unpaid";
      case InvoiceCancelled e -> "cancelled by the merchant";
      case InvoiceEvent.WebhookAttempted e -> String.format("webhook %s%s attempt %d: %s%s", e.webhookEventId(),
          e.endpointId().equals(io.stablegate.engine.invoice.WebhookDelivery.DEFAULT_ENDPOINT) ? ""
              : " to endpoint " + e.endpointId(), e.attempt(), e.outcome(), e.statusCode() == null ? " (" + e.error() + ")" : " (HTTP " + e.statusCode() + ")");
      case InvoiceEvent.WebhookEndpointsResolved e -> String.format("webhook %s also goes to %d endpoint(s)",
          e.webhookEventId(), e.endpointIds().size());
      case InvoiceEvent.WebhookRedeliveryRequested e -> "merchant asked for webhook " + e.webhookEventId() + " again";
    };
  }
}
