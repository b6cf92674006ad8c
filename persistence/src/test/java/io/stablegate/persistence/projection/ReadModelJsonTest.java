package io.stablegate.persistence.projection;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.credit.PaymentSource;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.Payment;
import io.stablegate.engine.invoice.PaymentStatus;
import io.stablegate.engine.money.Chain;
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
        new BigDecimal("10.5003"), "A-1", null, "{}", now, now.plusSeconds(1800), 12, InvoiceStatus.PAID,
        List.of(payment), false, now, "hash", List.of(), BigDecimal.ZERO, BigDecimal.ZERO, false, false);

    String json = ReadModelJson.write(invoice);

    assertThat(json).contains("\"final\":true");
    assertThat(ReadModelJson.readInvoice(json)).isEqualTo(invoice);
  }

  @Test
  void aPartiallyPaidInvoiceWithAnAttachedCreditReadsBack() {
    Instant now = Instant.parse("2026-11-28T22:00:00Z");
    Payment attached = new Payment("0xabc", 3, "0xfrom", new BigDecimal("40"), 123, 12, PaymentStatus.FINAL, now,
        PaymentSource.ATTACHED, new Attribution(UUID.randomUUID(), Attribution.Via.SESSION));
    Invoice invoice = new Invoice(UUID.randomUUID(), UUID.randomUUID(), Chain.ETHEREUM, "0xto", new BigDecimal("100"),
        new BigDecimal("60.0001"), "A-1", null, "{}", now, now.plusSeconds(1800), 12, InvoiceStatus.PARTIALLY_PAID,
        List.of(attached), false, now, "hash", List.of(), new BigDecimal("1.5"), new BigDecimal("60"), false, false);

    Invoice back = ReadModelJson.readInvoice(ReadModelJson.write(invoice));

    assertThat(back).isEqualTo(invoice);
    assertThat(back.amountDue()).isEqualByComparingTo("60");
    assertThat(back.payments().get(0).source()).isEqualTo(PaymentSource.ATTACHED);
  }
}
