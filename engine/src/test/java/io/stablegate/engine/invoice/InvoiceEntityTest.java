package io.stablegate.engine.invoice;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.PersistenceTestConfig;
import io.stablegate.engine.TestClock;
import io.stablegate.engine.audit.EventHasher;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.invoice.InvoiceCommand.Cancel;
import io.stablegate.engine.invoice.InvoiceCommand.ConfirmPayment;
import io.stablegate.engine.invoice.InvoiceCommand.Create;
import io.stablegate.engine.invoice.InvoiceCommand.Expire;
import io.stablegate.engine.invoice.InvoiceCommand.Get;
import io.stablegate.engine.invoice.InvoiceCommand.RecordPayment;
import io.stablegate.engine.invoice.InvoiceCommand.RevertPayment;
import io.stablegate.engine.invoice.InvoiceCommand.UpdateConfirmations;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCancelled;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCreated;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceExpired;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePaid;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmationsUpdated;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmed;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentDetected;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentReverted;
import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

class InvoiceEntityTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  private static final String ADDRESS = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
  private static final String OTHER_ADDRESS = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359";
  private static final String PAYER = "0xde709f2102306220921060314715629080e2fb77";
  private static final BigDecimal PAY_AMOUNT = new BigDecimal("10.5003");
  private static final int REQUIRED = 12;
  private static final InvoiceSettings SETTINGS = new InvoiceSettings(50, 4, WebhookRetrySettings.fromConfig(ConfigFactory.load()));

  private static ActorTestKit testKit;

  private final TestClock clock = new TestClock(T0);
  /** Nanoseconds and a trailing zero: a lossy encoding would change the draft, the hash, or both. */
  private final InvoiceDraft draft = new InvoiceDraft(new InvoiceTerms(UUID.randomUUID(), Chain.ETHEREUM, ADDRESS,
      new BigDecimal("10.50"), "A-1", null, "{\"sku\":\"x\"}", T0.plus(Duration.ofMinutes(30)).plusNanos(123_456_789)),
      PAY_AMOUNT, REQUIRED);

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("InvoiceEntityTest", PersistenceTestConfig.config());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private EventSourcedBehaviorTestKit<InvoiceCommand, InvoiceEvent, InvoiceState> kit(InvoiceSettings settings) {
    return EventSourcedBehaviorTestKit.create(testKit.system(),
        InvoiceEntity.create(UUID.randomUUID(), settings, clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  private EventSourcedBehaviorTestKit<InvoiceCommand, InvoiceEvent, InvoiceState> kit() {
    return kit(SETTINGS);
  }

  private static CommandResultWithReply<InvoiceCommand, InvoiceEvent, InvoiceState, StatusReply<Invoice>> run(
      EventSourcedBehaviorTestKit<InvoiceCommand, InvoiceEvent, InvoiceState> kit,
      Function<ActorRef<StatusReply<Invoice>>, InvoiceCommand> command) {
    return kit.runCommand(command);
  }

  /** Runs a command that must succeed; returns the invoice it answered. */
  private static Invoice ok(
      EventSourcedBehaviorTestKit<InvoiceCommand, InvoiceEvent, InvoiceState> kit,
      Function<ActorRef<StatusReply<Invoice>>, InvoiceCommand> command) {
    var result = run(kit, command);
    assertThat(result.reply().isSuccess()).as("reply %s", result.reply()).isTrue();
    assertThat(result.state()).isEqualTo(result.reply().getValue());
    return result.reply().getValue();
  }

  /** Runs a command that must be refused without persisting anything; returns the refusal's text. */
  private static String refused(
      EventSourcedBehaviorTestKit<InvoiceCommand, InvoiceEvent, InvoiceState> kit,
      Function<ActorRef<StatusReply<Invoice>>, InvoiceCommand> command) {
    InvoiceState before = kit.getState();
    var result = run(kit, command);
    assertThat(result.reply().isError()).as("reply %s", result.reply()).isTrue();
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.state()).isEqualTo(before);
    return result.reply().getError().getMessage();
  }

  /** Runs a command that must succeed without persisting anything. */
  private static Invoice unchanged(
      EventSourcedBehaviorTestKit<InvoiceCommand, InvoiceEvent, InvoiceState> kit,
      Function<ActorRef<StatusReply<Invoice>>, InvoiceCommand> command) {
    InvoiceState before = kit.getState();
    var result = run(kit, command);
    assertThat(result.reply().isSuccess()).as("reply %s", result.reply()).isTrue();
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.reply().getValue()).isEqualTo(before);
    return result.reply().getValue();
  }

  private Invoice create(EventSourcedBehaviorTestKit<InvoiceCommand, InvoiceEvent, InvoiceState> kit) {
    return ok(kit, r -> new Create(draft, r));
  }

  private static Transfer transfer(String txHash, BigDecimal amount) {
    return new Transfer(Chain.ETHEREUM, txHash, 3, PAYER, ADDRESS, amount, 123, "0xblock",
        T0.plus(Duration.ofMinutes(1)));
  }

  private static Transfer transfer(String txHash) {
    return transfer(txHash, PAY_AMOUNT);
  }

  private static String pid(Invoice invoice) {
    return "Invoice|" + invoice.id();
  }

  // ---------------------------------------------------------------- creation

  @Test
  void createMakesAPendingInvoiceFromTheDraft() {
    var kit = kit();
    var result = run(kit, r -> new Create(draft, r));
    Invoice invoice = result.reply().getValue();
    assertThat(invoice.status()).isEqualTo(InvoiceStatus.PENDING);
    assertThat(invoice.draft()).isEqualTo(draft);
    assertThat(invoice.createdAt()).isEqualTo(T0);
    assertThat(invoice.payments()).isEmpty();
    assertThat(invoice.amountPaid()).isEqualByComparingTo("0");
    assertThat(invoice.paidLate()).isFalse();
    InvoiceCreated created = result.eventOfType(InvoiceCreated.class);
    assertThat(created.prevHash()).isEqualTo(EventHasher.GENESIS);
    assertThat(invoice.lastHash()).isEqualTo(EventHasher.hash(created));
    assertThat(ok(kit, Get::new)).isEqualTo(invoice);
  }

  @Test
  void createAgainWithTheSameDraftReturnsTheSameInvoiceAndPersistsNothing() {
    var kit = kit();
    Invoice invoice = create(kit);
    clock.advance(Duration.ofSeconds(5));
    assertThat(unchanged(kit, r -> new Create(draft, r))).isEqualTo(invoice);
    // Also once the invoice has been recovered from its journal.
    kit.restart();
    assertThat(unchanged(kit, r -> new Create(draft, r))).isEqualTo(invoice);
  }

  @Test
  void createAgainWithAnotherDraftIsRefused() {
    var kit = kit();
    create(kit);
    InvoiceDraft other = new InvoiceDraft(draft.terms(), new BigDecimal("10.5004"), draft.requiredConfirmations());
    assertThat(refused(kit, r -> new Create(other, r))).contains("already exists");
  }

  @Test
  void everyCommandButCreateIsRefusedOnAMissingInvoice() {
    var kit = kit();
    TransferKey key = transfer("0x1").key();
    assertThat(refused(kit, Get::new)).contains("not found");
    refused(kit, Cancel::new);
    refused(kit, Expire::new);
    refused(kit, r -> new RecordPayment(transfer("0x1"), 1, r));
    refused(kit, r -> new UpdateConfirmations(key, 2, r));
    refused(kit, r -> new ConfirmPayment(key, REQUIRED, r));
    refused(kit, r -> new RevertPayment(key, r));
    assertThat(kit.getState()).isEqualTo(new InvoiceState.Empty());
  }

  // ---------------------------------------------------------------- legal transitions

  @Test
  void aPaymentMovesPendingToConfirmingAndConfirmationsAreUpdated() {
    var kit = kit();
    create(kit);
    clock.advance(Duration.ofMinutes(1));
    var result = run(kit, r -> new RecordPayment(transfer("0x1"), 1, r));
    PaymentDetected detected = result.eventOfType(PaymentDetected.class);
    assertThat(result.events()).hasSize(1);
    assertThat(detected.webhookType().wireName()).isEqualTo("invoice.payment_detected");
    Invoice invoice = result.reply().getValue();
    assertThat(invoice.status()).isEqualTo(InvoiceStatus.CONFIRMING);
    assertThat(invoice.payments()).singleElement().satisfies(p -> {
      assertThat(p.txHash()).isEqualTo("0x1");
      assertThat(p.logIndex()).isEqualTo(3);
      assertThat(p.from()).isEqualTo(PAYER);
      assertThat(p.amount()).isEqualByComparingTo(PAY_AMOUNT);
      assertThat(p.blockNumber()).isEqualTo(123);
      assertThat(p.confirmations()).isEqualTo(1);
      assertThat(p.status()).isEqualTo(PaymentStatus.CONFIRMING);
      assertThat(p.detectedAt()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
    });
    assertThat(invoice.amountPaid()).isEqualByComparingTo("0");

    var updated = run(kit, r -> new UpdateConfirmations(transfer("0x1").key(), 5, r));
    assertThat(updated.eventOfType(PaymentConfirmationsUpdated.class).confirmations()).isEqualTo(5);
    assertThat(updated.reply().getValue().payments().get(0).confirmations()).isEqualTo(5);
    assertThat(updated.reply().getValue().status()).isEqualTo(InvoiceStatus.CONFIRMING);
    // Fewer or as many confirmations as known change nothing (a lagging or repeated report).
    unchanged(kit, r -> new UpdateConfirmations(transfer("0x1").key(), 5, r));
    unchanged(kit, r -> new UpdateConfirmations(transfer("0x1").key(), 4, r));
  }

  @Test
  void confirmingBecomesPaidAtExactlyTheRequiredConfirmationsAndNotOneBelow() {
    var kit = kit();
    create(kit);
    ok(kit, r -> new RecordPayment(transfer("0x1"), 1, r));
    TransferKey key = transfer("0x1").key();
    assertThat(refused(kit, r -> new ConfirmPayment(key, REQUIRED - 1, r))).contains("11 of 12");

    var result = run(kit, r -> new ConfirmPayment(key, REQUIRED, r));
    assertThat(result.events()).hasSize(2);
    assertThat(result.events().get(0)).isInstanceOf(PaymentConfirmed.class);
    InvoicePaid paid = (InvoicePaid) result.events().get(1);
    assertThat(paid.late()).isFalse();
    assertThat(paid.webhookType().wireName()).isEqualTo("invoice.paid");
    assertThat(paid.amountPaid()).isEqualByComparingTo(PAY_AMOUNT);
    Invoice invoice = result.reply().getValue();
    assertThat(invoice.status()).isEqualTo(InvoiceStatus.PAID);
    assertThat(invoice.paidLate()).isFalse();
    assertThat(invoice.amountPaid()).isEqualByComparingTo(PAY_AMOUNT);
    assertThat(invoice.payments().get(0).isFinal()).isTrue();
    assertThat(invoice.payments().get(0).confirmations()).isEqualTo(REQUIRED);

    // A repeated confirmation changes nothing.
    unchanged(kit, r -> new ConfirmPayment(key, REQUIRED + 3, r));
    unchanged(kit, r -> new UpdateConfirmations(key, REQUIRED + 3, r));
    unchanged(kit, r -> new RecordPayment(transfer("0x1"), REQUIRED, r));
  }

  @Test
  void aRevertedPaymentMovesConfirmingBackToPending() {
    var kit = kit();
    create(kit);
    ok(kit, r -> new RecordPayment(transfer("0x1"), 1, r));
    var result = run(kit, r -> new RevertPayment(transfer("0x1").key(), r));
    PaymentReverted reverted = result.eventOfType(PaymentReverted.class);
    assertThat(reverted.webhookType().wireName()).isEqualTo("invoice.payment_reverted");
    assertThat(result.reply().getValue().status()).isEqualTo(InvoiceStatus.PENDING);
    assertThat(result.reply().getValue().payments()).isEmpty();
    // Reverting again, or a transfer the invoice never had, changes nothing.
    unchanged(kit, r -> new RevertPayment(transfer("0x1").key(), r));
    // The same transfer may be seen again in the new canonical chain.
    assertThat(ok(kit, r -> new RecordPayment(transfer("0x1"), 1, r)).status()).isEqualTo(InvoiceStatus.CONFIRMING);
  }

  @Test
  void revertingOneOfTwoPaymentsStaysConfirming() {
    var kit = kit();
    create(kit);
    ok(kit, r -> new RecordPayment(transfer("0x1"), 1, r));
    ok(kit, r -> new RecordPayment(transfer("0x2"), 1, r));
    Invoice invoice = ok(kit, r -> new RevertPayment(transfer("0x1").key(), r));
    assertThat(invoice.status()).isEqualTo(InvoiceStatus.CONFIRMING);
    assertThat(invoice.payments()).extracting(Payment::txHash).containsExactly("0x2");
  }

  @Test
  void pendingExpiresOnlyOnceDue() {
    var kit = kit();
    Invoice created = create(kit);
    clock.set(created.expiresAt().minusNanos(1_000_000));
    assertThat(unchanged(kit, Expire::new).status()).isEqualTo(InvoiceStatus.PENDING);
    clock.set(created.expiresAt());
    var result = run(kit, Expire::new);
    InvoiceExpired expired = result.eventOfType(InvoiceExpired.class);
    assertThat(result.events()).hasSize(1);
    assertThat(expired.webhookType().wireName()).isEqualTo("invoice.expired");
    assertThat(result.reply().getValue().status()).isEqualTo(InvoiceStatus.EXPIRED);
    clock.advance(Duration.ofHours(1));
    unchanged(kit, Expire::new);
  }

  @Test
  void aMillisecondPreciseInvoiceExpiresAtItsExpiry() {
    InvoiceTerms t = draft.terms();
    InvoiceDraft millis = new InvoiceDraft(new InvoiceTerms(t.merchantId(), t.chain(), t.address(), t.amount(),
        t.orderId(), t.description(), t.metadataJson(), T0.plus(Duration.ofMinutes(30))), draft.payAmount(), REQUIRED);
    var kit = kit();
    ok(kit, r -> new Create(millis, r));
    clock.set(millis.terms().expiresAt().minusMillis(1));
    unchanged(kit, Expire::new);
    clock.set(millis.terms().expiresAt());
    Invoice expired = ok(kit, Expire::new);
    assertThat(expired.status()).isEqualTo(InvoiceStatus.EXPIRED);
    assertThat(expired.updatedAt()).isEqualTo(millis.terms().expiresAt());
  }

  @Test
  void anInvoiceWithAPaymentInFlightDoesNotExpire() {
    var kit = kit();
    Invoice created = create(kit);
    ok(kit, r -> new RecordPayment(transfer("0x1"), 1, r));
    clock.set(created.expiresAt().plus(Duration.ofMinutes(5)));
    assertThat(unchanged(kit, Expire::new).status()).isEqualTo(InvoiceStatus.CONFIRMING);
    // Reverted after the window: back to PENDING, and then the sweeper expires it.
    ok(kit, r -> new RevertPayment(transfer("0x1").key(), r));
    assertThat(ok(kit, Expire::new).status()).isEqualTo(InvoiceStatus.EXPIRED);
  }

  @Test
  void pendingCanBeCancelled() {
    var kit = kit();
    create(kit);
    var result = run(kit, Cancel::new);
    InvoiceCancelled cancelled = result.eventOfType(InvoiceCancelled.class);
    assertThat(result.events()).hasSize(1);
    assertThat(cancelled.webhookType().wireName()).isEqualTo("invoice.cancelled");
    assertThat(result.reply().getValue().status()).isEqualTo(InvoiceStatus.CANCELLED);
  }

  @Test
  void anExpiredInvoiceIsPaidLate() {
    var kit = kit();
    Invoice created = create(kit);
    clock.set(created.expiresAt());
    ok(kit, Expire::new);
    clock.advance(Duration.ofMinutes(10));
    Invoice seen = ok(kit, r -> new RecordPayment(transfer("0x1"), 1, r));
    assertThat(seen.status()).isEqualTo(InvoiceStatus.EXPIRED);
    assertPaidLate(kit);
  }

  @Test
  void aCancelledInvoiceIsPaidLate() {
    var kit = kit();
    create(kit);
    ok(kit, Cancel::new);
    Invoice seen = ok(kit, r -> new RecordPayment(transfer("0x1"), 1, r));
    assertThat(seen.status()).isEqualTo(InvoiceStatus.CANCELLED);
    assertPaidLate(kit);
  }

  private static void assertPaidLate(EventSourcedBehaviorTestKit<InvoiceCommand, InvoiceEvent, InvoiceState> kit) {
    TransferKey key = transfer("0x1").key();
    refused(kit, r -> new ConfirmPayment(key, REQUIRED - 1, r));
    var result = run(kit, r -> new ConfirmPayment(key, REQUIRED, r));
    assertThat(result.events()).hasSize(2);
    assertThat(result.events().get(0)).isInstanceOf(PaymentConfirmed.class);
    InvoicePaid paid = (InvoicePaid) result.events().get(1);
    assertThat(paid.late()).isTrue();
    assertThat(paid.webhookType()).isEqualTo(WebhookEventType.PAID_LATE);
    assertThat(paid.webhookType().wireName()).isEqualTo("invoice.paid_late");
    Invoice invoice = result.reply().getValue();
    assertThat(invoice.status()).isEqualTo(InvoiceStatus.PAID);
    assertThat(invoice.paidLate()).isTrue();
    assertThat(invoice.amountPaid()).isEqualByComparingTo(PAY_AMOUNT);
  }

  // ---------------------------------------------------------------- refusals

  @Test
  void onlyAPendingInvoiceCanBeCancelled() {
    var confirming = kit();
    create(confirming);
    ok(confirming, r -> new RecordPayment(transfer("0x1"), 1, r));
    assertThat(refused(confirming, Cancel::new)).contains("CONFIRMING");

    var paid = kit();
    create(paid);
    ok(paid, r -> new RecordPayment(transfer("0x1"), 1, r));
    ok(paid, r -> new ConfirmPayment(transfer("0x1").key(), REQUIRED, r));
    assertThat(refused(paid, Cancel::new)).contains("PAID");

    var expired = kit();
    Invoice created = create(expired);
    clock.set(created.expiresAt());
    ok(expired, Expire::new);
    assertThat(refused(expired, Cancel::new)).contains("EXPIRED");

    var cancelled = kit();
    create(cancelled);
    ok(cancelled, Cancel::new);
    assertThat(refused(cancelled, Cancel::new)).contains("CANCELLED");
  }

  @Test
  void aFinalPaymentCannotBeReverted() {
    var kit = kit();
    create(kit);
    ok(kit, r -> new RecordPayment(transfer("0x1"), 1, r));
    ok(kit, r -> new ConfirmPayment(transfer("0x1").key(), REQUIRED, r));
    assertThat(refused(kit, r -> new RevertPayment(transfer("0x1").key(), r))).contains("final");
    assertThat(kit.getState()).isInstanceOfSatisfying(Invoice.class,
        invoice -> assertThat(invoice.status()).isEqualTo(InvoiceStatus.PAID));
  }

  @Test
  void aTransferThatDoesNotPayTheInvoiceIsRefused() {
    var kit = kit();
    create(kit);
    refused(kit, r -> new RecordPayment(transfer("0x1", new BigDecimal("10.5")), 1, r));
    refused(kit, r -> new RecordPayment(transfer("0x1", new BigDecimal("10.50031")), 1, r));
    refused(kit, r -> new RecordPayment(transfer("0x1", new BigDecimal("21.0006")), 1, r));
    refused(kit, r -> new RecordPayment(new Transfer(Chain.ETHEREUM, "0x1", 3, PAYER, OTHER_ADDRESS, PAY_AMOUNT,
        123, "0xblock", T0), 1, r));
    refused(kit, r -> new RecordPayment(new Transfer(Chain.BSC, "0x1", 3, PAYER, ADDRESS, PAY_AMOUNT,
        123, "0xblock", T0), 1, r));
    // The same value with another scale is the same amount.
    assertThat(ok(kit, r -> new RecordPayment(transfer("0x1", new BigDecimal("10.500300")), 1, r)).status())
        .isEqualTo(InvoiceStatus.CONFIRMING);
  }

  @Test
  void confirmationsOfAnUnknownPaymentAreRefused() {
    var kit = kit();
    create(kit);
    ok(kit, r -> new RecordPayment(transfer("0x1"), 1, r));
    TransferKey unknown = transfer("0x2").key();
    TransferKey otherLog = new TransferKey(Chain.ETHEREUM, "0x1", 4);
    assertThat(refused(kit, r -> new ConfirmPayment(unknown, REQUIRED, r))).contains("has no payment");
    refused(kit, r -> new ConfirmPayment(otherLog, REQUIRED, r));
    refused(kit, r -> new UpdateConfirmations(unknown, 3, r));
  }

  // ---------------------------------------------------------------- crediting transfers

  @Test
  void theSameTransferRecordedTwiceIsCreditedOnce() {
    var kit = kit();
    create(kit);
    ok(kit, r -> new RecordPayment(transfer("0x1"), 1, r));
    unchanged(kit, r -> new RecordPayment(transfer("0x1"), 2, r));
    ok(kit, r -> new ConfirmPayment(transfer("0x1").key(), REQUIRED, r));
    Invoice invoice = unchanged(kit, r -> new RecordPayment(transfer("0x1"), REQUIRED, r));
    assertThat(invoice.payments()).hasSize(1);
    assertThat(invoice.amountPaid()).isEqualByComparingTo(PAY_AMOUNT);
  }

  @Test
  void twoDifferentTransfersAreBothCredited() {
    var kit = kit();
    create(kit);
    ok(kit, r -> new RecordPayment(transfer("0x1"), 1, r));
    ok(kit, r -> new RecordPayment(transfer("0x2"), 1, r));
    Invoice paid = ok(kit, r -> new ConfirmPayment(transfer("0x1").key(), REQUIRED, r));
    assertThat(paid.status()).isEqualTo(InvoiceStatus.PAID);
    assertThat(paid.amountPaid()).isEqualByComparingTo(PAY_AMOUNT);

    var second = run(kit, r -> new ConfirmPayment(transfer("0x2").key(), REQUIRED, r));
    assertThat(second.events()).singleElement().isInstanceOf(PaymentConfirmed.class);
    Invoice invoice = second.reply().getValue();
    assertThat(invoice.status()).isEqualTo(InvoiceStatus.PAID);
    assertThat(invoice.payments()).hasSize(2).allMatch(Payment::isFinal);
    assertThat(invoice.amountPaid()).isEqualByComparingTo(PAY_AMOUNT.add(PAY_AMOUNT));
  }

  // ---------------------------------------------------------------- recovery and the hash chain

  /** Drives an invoice through most of its events: created, two payments, a revert, a confirmation. */
  private Invoice fullHistory(EventSourcedBehaviorTestKit<InvoiceCommand, InvoiceEvent, InvoiceState> kit) {
    create(kit);
    clock.advance(Duration.ofSeconds(7));
    ok(kit, r -> new RecordPayment(transfer("0x1"), 1, r));
    ok(kit, r -> new RecordPayment(transfer("0x2"), 1, r));
    ok(kit, r -> new UpdateConfirmations(transfer("0x1").key(), 4, r));
    ok(kit, r -> new RevertPayment(transfer("0x2").key(), r));
    clock.advance(Duration.ofSeconds(7));
    return ok(kit, r -> new ConfirmPayment(transfer("0x1").key(), REQUIRED, r));
  }

  @Test
  void restartRecoversTheSameStateIncludingTheHashChain() {
    var kit = kit();
    Invoice before = fullHistory(kit);
    assertThat(kit.restart().state()).isEqualTo(before);
    assertThat(ok(kit, Get::new).lastHash()).isEqualTo(before.lastHash());
    // Events written after recovery still link to the recovered chain.
    ok(kit, r -> new RecordPayment(transfer("0x3"), 1, r));
    assertHashChain(kit, pid(before));
  }

  @Test
  void restartRecoversTheSameStateFromASnapshot() {
    var kit = kit(new InvoiceSettings(2, 4, SETTINGS.webhookRetry()));
    Invoice before = fullHistory(kit);
    assertThat(kit.snapshotTestKit()).isPresent();
    assertThat(kit.snapshotTestKit().get().persistedInStorage(pid(before))).isNotEmpty();
    assertThat(kit.restart().state()).isEqualTo(before);
    ok(kit, r -> new RecordPayment(transfer("0x3"), 1, r));
    Invoice after = ok(kit, r -> new ConfirmPayment(transfer("0x3").key(), REQUIRED, r));
    assertThat(after.amountPaid()).isEqualByComparingTo(PAY_AMOUNT.add(PAY_AMOUNT));
    assertThat(kit.restart().state()).isEqualTo(after);
    assertHashChain(kit, pid(before));
  }

  @Test
  void everyEventLinksToTheHashOfThePreviousOne() {
    var kit = kit();
    Invoice invoice = fullHistory(kit);
    List<Object> events = assertHashChain(kit, pid(invoice));
    assertThat(events).hasSize(7);
    assertThat(invoice.lastHash()).isEqualTo(EventHasher.hash(events.get(events.size() - 1)));
  }

  /** Checks the chain over the events as stored (after CBOR); returns them. */
  private static List<Object> assertHashChain(
      EventSourcedBehaviorTestKit<InvoiceCommand, InvoiceEvent, InvoiceState> kit, String persistenceId) {
    List<Object> events = kit.persistenceTestKit().persistedInStorage(persistenceId);
    assertThat(events).isNotEmpty();
    String expectedPrev = EventHasher.GENESIS;
    for (Object stored : events) {
      InvoiceEvent event = (InvoiceEvent) stored;
      assertThat(event.prevHash()).as("prevHash of %s", event.getClass().getSimpleName()).isEqualTo(expectedPrev);
      expectedPrev = EventHasher.hash(event);
    }
    assertThat(kit.getState().lastHash()).isEqualTo(expectedPrev);
    return events;
  }

  @Test
  void everyStatusChangeIsALegalTransition() {
    var kit = kit();
    fullHistory(kit);
    InvoiceState state = new InvoiceState.Empty();
    for (Object stored : kit.persistenceTestKit().persistedInStorage("Invoice|" + ((Invoice) kit.getState()).id())) {
      InvoiceState next = state.apply((InvoiceEvent) stored);
      if (state instanceof Invoice before && next instanceof Invoice after) {
        assertThat(before.status().canBecome(after.status()))
            .as("%s -> %s", before.status(), after.status()).isTrue();
      }
      state = next;
    }
    assertThat(state).isEqualTo(kit.getState());
  }
}
