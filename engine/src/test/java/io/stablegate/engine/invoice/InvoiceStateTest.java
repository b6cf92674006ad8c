package io.stablegate.engine.invoice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stablegate.engine.audit.EventHasher;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCancelled;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCreated;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceExpired;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePaid;
import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The event handler on its own, as the audit replay uses it. */
class InvoiceStateTest {
  private static final UUID ID = UUID.randomUUID();
  private static final Instant AT = Instant.parse("2026-11-28T12:00:00Z");
  private static final InvoiceCreated CREATED = new InvoiceCreated(ID, UUID.randomUUID(), Chain.TRON,
      "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", new BigDecimal("5"), new BigDecimal("5.0001"), null, null, "{}",
      AT.plusSeconds(1800), 20, AT, EventHasher.GENESIS);

  @Test
  void nothingButCreationStartsAnInvoice() {
    assertThatThrownBy(() -> new InvoiceState.Empty().apply(new InvoiceExpired(ID, UUID.randomUUID(), AT,
        EventHasher.GENESIS))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anInvoiceIsCreatedOnce() {
    InvoiceState created = new InvoiceState.Empty().apply(CREATED);
    assertThatThrownBy(() -> created.apply(CREATED)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theEventHandlerRefusesEveryTransitionTheLifecycleDoesNotAllow() {
    Invoice pending = (Invoice) new InvoiceState.Empty().apply(CREATED);
    Invoice cancelled = (Invoice) pending.apply(new InvoiceCancelled(ID, UUID.randomUUID(), AT, pending.lastHash()));
    assertThat(cancelled.status()).isEqualTo(InvoiceStatus.CANCELLED);

    // PENDING -> PAID, CANCELLED -> CANCELLED, CANCELLED -> EXPIRED: none is in legalNext()
    assertThatThrownBy(() -> pending.apply(new InvoicePaid(ID, BigDecimal.ZERO, false, UUID.randomUUID(), AT,
        pending.lastHash())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("InvoicePaid moves the invoice from PENDING to PAID, which is not a legal transition");
    assertThatThrownBy(() -> cancelled.apply(new InvoiceCancelled(ID, UUID.randomUUID(), AT, cancelled.lastHash())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("from CANCELLED to CANCELLED");
    assertThatThrownBy(() -> cancelled.apply(new InvoiceExpired(ID, UUID.randomUUID(), AT, cancelled.lastHash())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("from CANCELLED to EXPIRED");
    // a late payment may still make it PAID: that one is legal
    assertThat(((Invoice) cancelled.apply(new InvoicePaid(ID, BigDecimal.ZERO, true, UUID.randomUUID(), AT,
        cancelled.lastHash()))).status()).isEqualTo(InvoiceStatus.PAID);
  }

  @Test
  void creationTakesEverythingFromTheEvent() {
    Invoice invoice = (Invoice) new InvoiceState.Empty().apply(CREATED);
    assertThat(invoice.id()).isEqualTo(ID);
    assertThat(invoice.status()).isEqualTo(InvoiceStatus.PENDING);
    assertThat(invoice.createdAt()).isEqualTo(AT);
    assertThat(invoice.updatedAt()).isEqualTo(AT);
    assertThat(invoice.requiredConfirmations()).isEqualTo(20);
    assertThat(invoice.lastHash()).isEqualTo(EventHasher.hash(CREATED));
    assertThat(new InvoiceState.Empty().lastHash()).isEqualTo(EventHasher.GENESIS);
  }
}
