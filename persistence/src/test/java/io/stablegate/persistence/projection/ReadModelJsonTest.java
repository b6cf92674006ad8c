package io.stablegate.persistence.projection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stablegate.engine.audit.EventHasher;
import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.credit.PaymentSource;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceDraft;
import io.stablegate.engine.invoice.InvoiceEvent;
import io.stablegate.engine.invoice.InvoiceState;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.invoice.Payment;
import io.stablegate.engine.invoice.PaymentStatus;
import io.stablegate.engine.invoice.PriceLock;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Price;
import io.stablegate.engine.money.Token;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReadModelJsonTest {

  @Test
  void aPaidInvoiceWithAFinalPaymentReadsBack() {
    Instant now = Instant.parse("2026-11-28T22:00:00Z");
    Payment payment = new Payment("0xabc", 3, "0xfrom", new BigDecimal("10.5003"), 123, 12, PaymentStatus.FINAL, now);
    InvoiceDraft draft = new InvoiceDraft(new InvoiceTerms(UUID.randomUUID(), Chain.ETHEREUM, "0xto",
        new BigDecimal("10.5"), "A-1", null, "{}", now.plusSeconds(1800), null,
        new PriceLock(new Price(new BigDecimal("9.66"), "EUR"), new BigDecimal("0.92"), "coinbase", now), Token.USDT),
        new BigDecimal("10.5003"), 12);
    Invoice invoice = new Invoice(UUID.randomUUID(), draft, now, InvoiceStatus.PAID, List.of(payment), false, now,
        "hash", List.of());

    String json = ReadModelJson.write(invoice);

    assertThat(json).contains("\"final\":true");
    // the terms are written flat, as in every document stored so far
    assertThat(json).contains("\"rate\":0.92", "\"rateSource\":\"coinbase\"", "\"currency\":\"EUR\"")
        .doesNotContain("priceLock");
    assertThat(json).contains("\"merchantId\":", "\"payAmount\":10.5003", "\"requiredConfirmations\":12")
        .doesNotContain("\"draft\"", "\"terms\"");
    assertThat(ReadModelJson.readInvoice(json)).isEqualTo(invoice);
  }

  @Test
  void aDocumentWhoseDeliveriesHoldTheWholeInvoiceStillReads() throws Exception {
    Instant now = Instant.parse("2026-11-28T22:00:00Z");
    Invoice pending = (Invoice) new InvoiceState.Empty().apply(new InvoiceEvent.InvoiceCreated(UUID.randomUUID(),
        UUID.randomUUID(), Chain.ETHEREUM, "0xto", new BigDecimal("10.5"), new BigDecimal("10.5003"), "A-1", null, "{}",
        now.plusSeconds(1800), 12, now, EventHasher.GENESIS));
    Invoice cancelled = (Invoice) pending.apply(
        new InvoiceEvent.InvoiceCancelled(pending.id(), UUID.randomUUID(), now, pending.lastHash()));
    // what the invoices table holds from before deliveries kept a moment: each one the whole invoice
    ObjectMapper json = new ObjectMapper();
    ObjectNode document = (ObjectNode) json.readTree(ReadModelJson.write(cancelled));
    ObjectNode delivery = (ObjectNode) document.get("webhooks").get(0);
    delivery.remove("moment");
    ObjectNode invoiceAtEvent = (ObjectNode) json.readTree(ReadModelJson.write(cancelled));
    invoiceAtEvent.set("webhooks", json.createArrayNode());
    delivery.set("invoice", invoiceAtEvent);

    Invoice read = ReadModelJson.readInvoice(json.writeValueAsString(document));

    assertThat(read).isEqualTo(cancelled);
    assertThat(read.atEvent(read.webhooks().get(0)).status()).isEqualTo(InvoiceStatus.CANCELLED);
  }

  @Test
  void aPartiallyPaidInvoiceWithAnAttachedCreditReadsBack() {
    Instant now = Instant.parse("2026-11-28T22:00:00Z");
    Payment attached = new Payment("0xabc", 3, "0xfrom", new BigDecimal("40"), 123, 12, PaymentStatus.FINAL, now,
        PaymentSource.ATTACHED, new Attribution(UUID.randomUUID(), Attribution.Via.SESSION));
    InvoiceDraft draft = new InvoiceDraft(new InvoiceTerms(UUID.randomUUID(), Chain.ETHEREUM, "0xto",
        new BigDecimal("100"), "A-1", null, "{}", now.plusSeconds(1800)), new BigDecimal("100.0002"), 12,
        new BigDecimal("1.5"));
    Invoice invoice = new Invoice(UUID.randomUUID(), draft, now, InvoiceStatus.PARTIALLY_PAID, List.of(attached),
        false, now, "hash", List.of(), new BigDecimal("60.0001"), new BigDecimal("60"), false, false);

    Invoice back = ReadModelJson.readInvoice(ReadModelJson.write(invoice));

    assertThat(back).isEqualTo(invoice);
    assertThat(back.amountDue()).isEqualByComparingTo("60");
    assertThat(back.payAmount()).isEqualByComparingTo("60.0001");
    assertThat(back.draft().payAmount()).isEqualByComparingTo("100.0002");
    assertThat(back.payments().get(0).source()).isEqualTo(PaymentSource.ATTACHED);
  }
}
