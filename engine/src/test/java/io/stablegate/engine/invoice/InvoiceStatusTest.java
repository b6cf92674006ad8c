package io.stablegate.engine.invoice;

import static io.stablegate.engine.invoice.InvoiceStatus.CANCELLED;
import static io.stablegate.engine.invoice.InvoiceStatus.CONFIRMING;
import static io.stablegate.engine.invoice.InvoiceStatus.EXPIRED;
import static io.stablegate.engine.invoice.InvoiceStatus.PAID;
import static io.stablegate.engine.invoice.InvoiceStatus.PENDING;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InvoiceStatusTest {

  /** The lifecycle of docs/api.md (Statuses), written out once more by hand. */
  private static final Map<InvoiceStatus, Set<InvoiceStatus>> LEGAL = Map.of(
      PENDING, EnumSet.of(CONFIRMING, EXPIRED, CANCELLED),
      CONFIRMING, EnumSet.of(PENDING, PAID),
      PAID, EnumSet.noneOf(InvoiceStatus.class),
      EXPIRED, EnumSet.of(PAID),
      CANCELLED, EnumSet.of(PAID));

  @Test
  void legalNextIsTheDocumentedLifecycle() {
    for (InvoiceStatus from : InvoiceStatus.values()) {
      assertThat(from.legalNext()).as("from %s", from).isEqualTo(LEGAL.get(from));
    }
  }

  @Test
  void canBecomeOnlyAlongTheTableOrStayingPut() {
    for (InvoiceStatus from : InvoiceStatus.values()) {
      for (InvoiceStatus to : InvoiceStatus.values()) {
        boolean expected = from == to || LEGAL.get(from).contains(to);
        assertThat(from.canBecome(to)).as("%s -> %s", from, to).isEqualTo(expected);
      }
    }
  }

  @Test
  void paidIsFinal() {
    assertThat(PAID.legalNext()).isEmpty();
    assertThat(PENDING.canBecome(PAID)).isFalse();
    assertThat(EXPIRED.canBecome(CONFIRMING)).isFalse();
    assertThat(CANCELLED.canBecome(PENDING)).isFalse();
  }

  @Test
  void onlyPendingAndConfirmingAreOpen() {
    assertThat(EnumSet.allOf(InvoiceStatus.class).stream().filter(InvoiceStatus::isOpen))
        .containsExactlyInAnyOrder(PENDING, CONFIRMING);
  }

  @Test
  void webhookTypesHaveTheDocumentedWireNames() {
    assertThat(WebhookEventType.PAID.wireName()).isEqualTo("invoice.paid");
    assertThat(WebhookEventType.PAID_LATE.wireName()).isEqualTo("invoice.paid_late");
    assertThat(WebhookEventType.PAYMENT_DETECTED.wireName()).isEqualTo("invoice.payment_detected");
    assertThat(WebhookEventType.PAYMENT_REVERTED.wireName()).isEqualTo("invoice.payment_reverted");
    assertThat(WebhookEventType.EXPIRED.wireName()).isEqualTo("invoice.expired");
    assertThat(WebhookEventType.CANCELLED.wireName()).isEqualTo("invoice.cancelled");
  }
}
