package io.stablegate.persistence.projection;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.Payment;
import io.stablegate.engine.invoice.PaymentStatus;
import io.stablegate.engine.invoice.PriceLock;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Price;
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
    Invoice invoice = new Invoice(UUID.randomUUID(), UUID.randomUUID(), Chain.ETHEREUM, "0xto", new BigDecimal("10.5"),
        new BigDecimal("10.5003"), "A-1", null, "{}", now, now.plusSeconds(1800), 12,
        new PriceLock(new Price(new BigDecimal("9.66"), "EUR"), new BigDecimal("0.92"), "coinbase", now),
        InvoiceStatus.PAID,
        List.of(payment), false, now, "hash", List.of());

    String json = ReadModelJson.write(invoice);

    assertThat(json).contains("\"final\":true");
    assertThat(ReadModelJson.readInvoice(json)).isEqualTo(invoice);
  }
}
