package io.stablegate.engine.invoice;

import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.credit.PaymentSource;
import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.PersistenceTestConfig;
import io.stablegate.engine.TestClock;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.InvoiceCommand.AttachPayment;
import io.stablegate.engine.invoice.InvoiceCommand.ConfirmPayment;
import io.stablegate.engine.invoice.InvoiceCommand.Create;
import io.stablegate.engine.invoice.InvoiceCommand.Expire;
import io.stablegate.engine.invoice.InvoiceCommand.RecordPayment;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceOverpaid;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePaid;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePartiallyPaid;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentAttached;
import io.stablegate.engine.money.Chain;
import com.typesafe.config.ConfigFactory;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The invoice's side of payment resolution (docs/payment-resolution.md): tolerance credits, attached
 * credits and what they do to status, amounts and webhooks; every case survives a restart (recovery
 * from the journal gives the same invoice).
 */
class InvoicePaymentResolutionTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  private static final String ADDRESS = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
  private static final String PAYER = "0xde709f2102306220921060314715629080e2fb77";
  private static final BigDecimal HUNDRED = new BigDecimal("100");
  private static final int REQUIRED = 12;
  private static final UUID MERCHANT = UUID.randomUUID();
  private static final Attribution BY_SESSION = new Attribution(MERCHANT, Attribution.Via.SESSION);

  private static ActorTestKit testKit;

  private final TestClock clock = new TestClock(T0);

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("InvoicePaymentResolutionTest", PersistenceTestConfig.config());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private EventSourcedBehaviorTestKit<InvoiceCommand, InvoiceEvent, InvoiceState> kit(String tolerance) {
    var kit = EventSourcedBehaviorTestKit.<InvoiceCommand, InvoiceEvent, InvoiceState>create(testKit.system(),
        InvoiceEntity.create(UUID.randomUUID(), new InvoiceSettings(0, 4, WebhookRetrySettings.fromConfig(ConfigFactory.load())), clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
    InvoiceDraft draft = new InvoiceDraft(new InvoiceTerms(MERCHANT, Chain.ETHEREUM, ADDRESS, HUNDRED, "A-1", null,
        "{}", T0.plus(Duration.ofMinutes(30))), HUNDRED, REQUIRED, new BigDecimal(tolerance));
    ok(kit, r -> new Create(draft, r));
    return kit;
  }

  private static CommandResultWithReply<InvoiceCommand, InvoiceEvent, InvoiceState, StatusReply<Invoice>> run(
      EventSourcedBehaviorTestKit<InvoiceCommand, InvoiceEvent, InvoiceState> kit,
      Function<ActorRef<StatusReply<Invoice>>, InvoiceCommand> command) {
    return kit.runCommand(command);
  }

  private static Invoice ok(EventSourcedBehaviorTestKit<InvoiceCommand, InvoiceEvent, InvoiceState> kit,
      Function<ActorRef<StatusReply<Invoice>>, InvoiceCommand> command) {
    var result = run(kit, command);
    assertThat(result.reply().isSuccess()).as("reply %s", result.reply()).isTrue();
    return result.reply().getValue();
  }

  private static String refused(EventSourcedBehaviorTestKit<InvoiceCommand, InvoiceEvent, InvoiceState> kit,
      Function<ActorRef<StatusReply<Invoice>>, InvoiceCommand> command) {
    InvoiceState before = kit.getState();
    var result = run(kit, command);
    assertThat(result.reply().isError()).as("reply %s", result.reply()).isTrue();
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.state()).isEqualTo(before);
    return result.reply().getError().getMessage();
  }

  /** The invoice recovered from its journal is the invoice before the restart. */
  private static Invoice survivesRestart(EventSourcedBehaviorTestKit<InvoiceCommand, InvoiceEvent, InvoiceState> kit) {
    InvoiceState before = kit.getState();
    var restarted = kit.restart();
    assertThat(restarted.state()).isEqualTo(before);
    return (Invoice) restarted.state();
  }

  private static Transfer transfer(String txHash, String amount) {
    return new Transfer(Chain.ETHEREUM, txHash, 0, PAYER, ADDRESS, new BigDecimal(amount), 123, "0xblock",
        T0.plus(Duration.ofMinutes(1)));
  }

  private static String lastWebhookType(Invoice invoice) {
    return invoice.webhooks().get(invoice.webhooks().size() - 1).type().wireName();
  }

  @Test
  void aTransferWithinTheToleranceWindowPaysWithUnderpaid() {
    var kit = kit("1");
    Invoice detected = ok(kit, r -> new RecordPayment(transfer("0x1", "99.5"), 1, PaymentSource.TOLERANCE, r));
    assertThat(detected.status()).isEqualTo(InvoiceStatus.CONFIRMING);
    assertThat(detected.payments().get(0).source()).isEqualTo(PaymentSource.TOLERANCE);

    var confirmed = run(kit, r -> new ConfirmPayment(transfer("0x1", "99.5").key(), REQUIRED, r));
    Invoice paid = confirmed.reply().getValue();
    assertThat(confirmed.events().get(1)).isInstanceOf(InvoicePaid.class);
    assertThat(paid.status()).isEqualTo(InvoiceStatus.PAID);
    assertThat(paid.underpaid()).isTrue();
    assertThat(paid.overpaid()).isFalse();
    assertThat(paid.amountPaid()).isEqualByComparingTo("99.5");
    assertThat(paid.amountDue()).isEqualByComparingTo("0");
    assertThat(lastWebhookType(paid)).isEqualTo("invoice.paid");
    assertThat(survivesRestart(kit).underpaid()).isTrue();
  }

  @Test
  void aTransferBelowTheWindowOrWithoutToleranceIsRefused() {
    var kit = kit("1");
    assertThat(refused(kit, r -> new RecordPayment(transfer("0x1", "98.99"), 1, PaymentSource.TOLERANCE, r)))
        .contains("does not pay");
    var strict = kit("0");
    refused(strict, r -> new RecordPayment(transfer("0x1", "99.99"), 1, PaymentSource.TOLERANCE, r));
  }

  @Test
  void anAttachBelowWhatIsDueLeavesARemainderAtAFreshPayAmountWhichThenPaysInFull() {
    var kit = kit("0");
    // planned without the remainder's payAmount: refused, nothing changes
    assertThat(refused(kit, r -> new AttachPayment(transfer("0xa", "40"), BY_SESSION, null, null, r)))
        .isEqualTo(InvoiceEntity.StaleAttach.MESSAGE);
    assertThat(refused(kit, r -> new AttachPayment(transfer("0xa", "40"), BY_SESSION, new BigDecimal("59"),
        new BigDecimal("59.0001"), r))).isEqualTo(InvoiceEntity.StaleAttach.MESSAGE);

    var attached = run(kit, r -> new AttachPayment(transfer("0xa", "40"), BY_SESSION, new BigDecimal("60"),
        new BigDecimal("60.0001"), r));
    assertThat(attached.events()).hasSize(2);
    assertThat(attached.events().get(0)).isInstanceOf(PaymentAttached.class);
    assertThat(attached.events().get(1)).isInstanceOf(InvoicePartiallyPaid.class);
    Invoice partial = attached.reply().getValue();
    assertThat(partial.status()).isEqualTo(InvoiceStatus.PARTIALLY_PAID);
    assertThat(partial.amountPaid()).isEqualByComparingTo("40");
    assertThat(partial.amountDue()).isEqualByComparingTo("60");
    assertThat(partial.payAmount()).isEqualByComparingTo("60.0001");
    assertThat(partial.payments().get(0).source()).isEqualTo(PaymentSource.ATTACHED);
    assertThat(partial.payments().get(0).attachedBy()).isEqualTo(BY_SESSION);
    assertThat(partial.payments().get(0).isFinal()).isTrue();
    assertThat(lastWebhookType(partial)).isEqualTo("invoice.partially_paid");
    assertThat(survivesRestart(kit)).isEqualTo(partial);

    // the same attach again: nothing new
    var again = run(kit, r -> new AttachPayment(transfer("0xa", "40"), BY_SESSION, new BigDecimal("60"),
        new BigDecimal("60.0001"), r));
    assertThat(again.hasNoEvents()).isTrue();

    // the payer's top-up of exactly the new payAmount pays in full
    refused(kit, r -> new RecordPayment(transfer("0xb", "100"), 1, r));
    ok(kit, r -> new RecordPayment(transfer("0xb", "60.0001"), 1, r));
    Invoice paid = ok(kit, r -> new ConfirmPayment(transfer("0xb", "60.0001").key(), REQUIRED, r));
    assertThat(paid.status()).isEqualTo(InvoiceStatus.PAID);
    assertThat(paid.amountPaid()).isEqualByComparingTo("100.0001");
    assertThat(paid.amountDue()).isEqualByComparingTo("0");
    assertThat(paid.overpaid()).isFalse();
    assertThat(paid.underpaid()).isFalse();
    assertThat(survivesRestart(kit)).isEqualTo(paid);
  }

  @Test
  void anAttachToAPaidInvoiceIsAnOverpayment() {
    var kit = kit("0");
    ok(kit, r -> new RecordPayment(transfer("0x1", "100"), 1, r));
    ok(kit, r -> new ConfirmPayment(transfer("0x1", "100").key(), REQUIRED, r));
    var attached = run(kit, r -> new AttachPayment(transfer("0x2", "100"), BY_SESSION, null, null, r));
    assertThat(attached.events()).hasSize(2);
    assertThat(attached.events().get(1)).isInstanceOf(InvoiceOverpaid.class);
    Invoice overpaid = attached.reply().getValue();
    assertThat(overpaid.status()).isEqualTo(InvoiceStatus.PAID);
    assertThat(overpaid.overpaid()).isTrue();
    assertThat(overpaid.amountPaid()).isEqualByComparingTo("200");
    assertThat(lastWebhookType(overpaid)).isEqualTo("invoice.overpaid");
    assertThat(survivesRestart(kit).overpaid()).isTrue();
  }

  @Test
  void anAttachAboveWhatIsDuePaysAndIsAnOverpayment() {
    var kit = kit("0");
    var attached = run(kit, r -> new AttachPayment(transfer("0x2", "150"), BY_SESSION, null, null, r));
    assertThat(attached.events()).extracting(e -> e.getClass().getSimpleName())
        .containsExactly("PaymentAttached", "InvoicePaid", "InvoiceOverpaid");
    Invoice invoice = attached.reply().getValue();
    assertThat(invoice.status()).isEqualTo(InvoiceStatus.PAID);
    assertThat(invoice.overpaid()).isTrue();
    assertThat(invoice.webhooks()).extracting(WebhookDelivery::type)
        .containsExactly(WebhookEventType.PAID, WebhookEventType.OVERPAID);
  }

  @Test
  void anAttachWithinToleranceToAnExpiredInvoicePaysItLate() {
    var kit = kit("1");
    clock.advance(Duration.ofMinutes(31));
    ok(kit, r -> new Expire(r));
    var attached = run(kit, r -> new AttachPayment(transfer("0x2", "99.2"), BY_SESSION, null, null, r));
    Invoice paid = attached.reply().getValue();
    assertThat(paid.status()).isEqualTo(InvoiceStatus.PAID);
    assertThat(paid.paidLate()).isTrue();
    assertThat(paid.underpaid()).isTrue();
    assertThat(lastWebhookType(paid)).isEqualTo("invoice.paid_late");
    survivesRestart(kit);
  }

  @Test
  void aPartialAttachToAnExpiredInvoiceKeepsItsStatusWithMorePaid() {
    var kit = kit("0");
    clock.advance(Duration.ofMinutes(31));
    ok(kit, r -> new Expire(r));
    var attached = run(kit, r -> new AttachPayment(transfer("0x2", "30"), BY_SESSION, null, null, r));
    assertThat(attached.events()).singleElement().isInstanceOf(PaymentAttached.class);
    Invoice expired = attached.reply().getValue();
    assertThat(expired.status()).isEqualTo(InvoiceStatus.EXPIRED);
    assertThat(expired.amountPaid()).isEqualByComparingTo("30");
    assertThat(expired.amountDue()).isEqualByComparingTo("70");
    // a second, covering attach pays it late
    Invoice paid = ok(kit, r -> new AttachPayment(transfer("0x3", "70"), BY_SESSION, null, null, r));
    assertThat(paid.status()).isEqualTo(InvoiceStatus.PAID);
    assertThat(paid.paidLate()).isTrue();
    assertThat(paid.amountPaid()).isEqualByComparingTo("100");
  }

  @Test
  void aPartiallyPaidInvoiceExpiresWithItsAmountPaid() {
    var kit = kit("0");
    ok(kit, r -> new AttachPayment(transfer("0xa", "40"), BY_SESSION, new BigDecimal("60"), new BigDecimal("60"), r));
    clock.advance(Duration.ofMinutes(31));
    Invoice expired = ok(kit, r -> new Expire(r));
    assertThat(expired.status()).isEqualTo(InvoiceStatus.EXPIRED);
    assertThat(expired.amountPaid()).isEqualByComparingTo("40");
    assertThat(lastWebhookType(expired)).isEqualTo("invoice.expired");
    assertThat(expired.atEvent(expired.webhooks().get(expired.webhooks().size() - 1)).amountPaid())
        .isEqualByComparingTo("40");
  }

  @Test
  void anAttachMustNameTheInvoicesMerchantAndAddress() {
    var kit = kit("0");
    assertThat(refused(kit, r -> new AttachPayment(transfer("0x2", "100"),
        new Attribution(UUID.randomUUID(), Attribution.Via.API_KEY), null, null, r))).contains("merchant");
    assertThat(refused(kit, r -> new AttachPayment(transfer("0x2", "100"), null, null, null, r))).contains("merchant");
    Transfer elsewhere = new Transfer(Chain.ETHEREUM, "0x9", 0, PAYER, "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        HUNDRED, 1, "0xb", T0);
    assertThat(refused(kit, r -> new AttachPayment(elsewhere, BY_SESSION, null, null, r))).contains("address");
  }
}
