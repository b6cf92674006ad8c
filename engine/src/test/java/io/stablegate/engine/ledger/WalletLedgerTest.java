package io.stablegate.engine.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.TestAddresses;
import io.stablegate.engine.PersistenceTestConfig;
import io.stablegate.engine.TestClock;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.ledger.WalletLedgerCommand.Allocate;
import io.stablegate.engine.ledger.WalletLedgerCommand.RecordUnmatched;
import io.stablegate.engine.ledger.WalletLedgerCommand.Release;
import io.stablegate.engine.ledger.WalletLedgerCommand.RouteAll;
import io.stablegate.engine.ledger.WalletLedgerEvent.PayAmountAllocated;
import io.stablegate.engine.ledger.WalletLedgerEvent.PayAmountReleased;
import io.stablegate.engine.ledger.WalletLedgerEvent.TransferRouted;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferRecorded;
import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WalletLedgerTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  private static final Instant EXPIRES = T0.plus(Duration.ofMinutes(30));
  private static final Duration WINDOW = Duration.ofHours(1);
  private static final LedgerSettings SMALL =
      new LedgerSettings(WINDOW, 5, Duration.ofDays(30), Duration.ofMinutes(2), 100, 4);
  private static final BigDecimal TEN = new BigDecimal("10");

  /**
   * Commands and events are checked to round-trip through CBOR. The state is not: it is the
   * deliberately mutable working set, never serialized; what is stored is its immutable
   * {@link WalletLedgerState.PackedSnapshot} (before: {@link WalletLedgerState.Snapshot}), which the
   * snapshot tests below recover through CBOR.
   */
  private static final EventSourcedBehaviorTestKit.SerializationSettings SERIALIZATION =
      EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true).withVerifyState(false);

  private static ActorTestKit testKit;

  private final TestClock clock = new TestClock(T0);
  private final String address = randomAddress();

  private record Ledger(String persistenceId,
      EventSourcedBehaviorTestKit<WalletLedgerCommand, WalletLedgerEvent, WalletLedgerState> kit) {}

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("WalletLedgerTest", PersistenceTestConfig.config());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static String randomAddress() {
    return TestAddresses.randomEvm();
  }

  private Ledger ledger(LedgerSettings settings) {
    String entityId = WalletLedger.entityId(Chain.ETHEREUM, address);
    return new Ledger("WalletLedger|" + entityId, EventSourcedBehaviorTestKit.create(
        testKit.system(), WalletLedger.create(entityId, settings, clock), SERIALIZATION));
  }

  private Ledger ledger() {
    return ledger(SMALL);
  }

  private static CommandResultWithReply<WalletLedgerCommand, WalletLedgerEvent, WalletLedgerState, StatusReply<PayAmount>>
      allocate(Ledger ledger, UUID invoiceId, BigDecimal amount, Instant expiresAt) {
    return ledger.kit().runCommand(r -> new Allocate(invoiceId, amount, expiresAt, r));
  }

  /** Allocates for a new invoice expiring in 30 minutes; must succeed with one event. Returns the payAmount. */
  private BigDecimal allocated(Ledger ledger, UUID invoiceId, BigDecimal amount) {
    var result = allocate(ledger, invoiceId, amount, clock.instant().plus(Duration.ofMinutes(30)));
    assertThat(result.reply().isSuccess()).as("reply %s", result.reply()).isTrue();
    assertThat(result.events()).hasSize(1);
    return result.reply().getValue().value();
  }

  private BigDecimal allocated(Ledger ledger, BigDecimal amount) {
    return allocated(ledger, UUID.randomUUID(), amount);
  }

  /** One transfer routed on its own (a range of one), and what that persisted. */
  private record Routed(TransferRoute route, List<WalletLedgerEvent> events) {}

  private static Routed route(Ledger ledger, Transfer transfer) {
    var result = ledger.kit().<StatusReply<TransferRoutes>>runCommand(r -> new RouteAll(List.of(transfer), r));
    assertThat(result.reply().isSuccess()).as("reply %s", result.reply()).isTrue();
    return new Routed(result.reply().getValue().routes().get(0), result.events());
  }

  /** The route of a transfer routed before: the same answer, and nothing persisted. */
  private static TransferRoute rerouted(Ledger ledger, Transfer transfer) {
    Routed result = route(ledger, transfer);
    assertThat(result.events()).isEmpty();
    return result.route();
  }

  private static CommandResultWithReply<WalletLedgerCommand, WalletLedgerEvent, WalletLedgerState, StatusReply<Done>>
      release(Ledger ledger, UUID invoiceId, ReleaseReason reason) {
    var result = ledger.kit().<StatusReply<Done>>runCommand(r -> new Release(invoiceId, reason, r));
    assertThat(result.reply().isSuccess()).as("reply %s", result.reply()).isTrue();
    return result;
  }

  private static CommandResultWithReply<WalletLedgerCommand, WalletLedgerEvent, WalletLedgerState, StatusReply<Done>>
      recordUnmatched(Ledger ledger, Transfer transfer) {
    return ledger.kit().runCommand(r -> new RecordUnmatched(transfer, r));
  }

  private Transfer transfer(String txHash, String amount, Instant blockTime) {
    return new Transfer(Chain.ETHEREUM, txHash, 0, "0xde709f2102306220921060314715629080e2fb77", address,
        new BigDecimal(amount), 100, "0xblock", blockTime);
  }

  private static BigDecimal pay(String text) {
    return new BigDecimal(text);
  }

  // ---------------------------------------------------------------- allocation

  @Test
  void allocationHandsOutTheAmountThenStepsOfAHundredth() {
    Ledger ledger = ledger();
    UUID first = UUID.randomUUID();
    var result = allocate(ledger, first, TEN, EXPIRES);
    assertThat(result.reply().getValue().value()).isEqualTo(pay("10"));
    PayAmountAllocated event = result.eventOfType(PayAmountAllocated.class);
    assertThat(event.invoiceId()).isEqualTo(first);
    assertThat(event.payAmount()).isEqualTo(pay("10"));
    assertThat(event.holdUntil()).isEqualTo(EXPIRES.plus(WINDOW));
    assertThat(event.at()).isEqualTo(T0);
    assertThat(List.of(allocated(ledger, TEN), allocated(ledger, TEN), allocated(ledger, TEN), allocated(ledger, TEN)))
        .containsExactly(pay("10.0001"), pay("10.0002"), pay("10.0003"), pay("10.0004"));
  }

  @Test
  void everyReplyCrossesNodesThroughCbor() {
    // the asking route and the ledger's shard may live on different nodes: replies are CBOR, no binding of JDK types
    Ledger ledger = ledger();
    var allocation = allocate(ledger, UUID.randomUUID(), TEN, EXPIRES).reply();
    testKit.serializationTestKit().verifySerialization(allocation, true);
    testKit.serializationTestKit().verifySerialization(allocation.getValue(), true);
    testKit.serializationTestKit().verifySerialization(
        new TransferRoutes(List.of(new TransferRoute(UUID.randomUUID()), TransferRoute.unmatched())), true);
  }

  @Test
  void theAmountIsNormalisedFirst() {
    Ledger ledger = ledger();
    assertThat(allocated(ledger, new BigDecimal("10.500000"))).isEqualTo(pay("10.5"));
    assertThat(allocated(ledger, new BigDecimal("10.5"))).isEqualTo(pay("10.5001"));
  }

  @Test
  void payAmountsAreUniqueWhateverTheBaseAmount() {
    Ledger ledger = ledger();
    assertThat(allocated(ledger, TEN)).isEqualTo(pay("10"));
    assertThat(allocated(ledger, TEN)).isEqualTo(pay("10.0001"));
    assertThat(allocated(ledger, pay("10.0001"))).isEqualTo(pay("10.0002"));
    assertThat(allocated(ledger, pay("10.00005"))).isEqualTo(pay("10.00005"));
    assertThat(allocated(ledger, TEN)).isEqualTo(pay("10.0003"));
  }

  @Test
  void theSameInvoiceAllocatingAgainGetsTheSamePayAmountAndPersistsNothing() {
    Ledger ledger = ledger();
    UUID invoice = UUID.randomUUID();
    allocated(ledger, TEN);
    BigDecimal first = allocated(ledger, invoice, TEN);
    var again = allocate(ledger, invoice, TEN, EXPIRES);
    assertThat(again.reply().getValue().value()).isEqualTo(first);
    assertThat(again.hasNoEvents()).isTrue();
  }

  @Test
  void pastTheLastStepAllocationIsRefusedClearly() {
    Ledger ledger = ledger();
    for (int i = 0; i < SMALL.maxPayAmountSteps(); i++) {
      allocated(ledger, TEN);
    }
    var refused = allocate(ledger, UUID.randomUUID(), TEN, EXPIRES);
    assertThat(refused.reply().isError()).isTrue();
    assertThat(refused.reply().getError().getMessage())
        .isEqualTo("all 5 payAmounts for 10 on this wallet are taken by open invoices; try another amount or wait");
    assertThat(refused.hasNoEvents()).isTrue();
    // Another amount on the same wallet is unaffected.
    assertThat(allocated(ledger, pay("11"))).isEqualTo(pay("11"));
  }

  @Test
  void theDefaultAllowsOneHundredPayAmountsPerAmount() {
    LedgerSettings defaults = LedgerSettings.fromConfig(testKit.system().settings().config());
    assertThat(defaults.maxPayAmountSteps()).isEqualTo(100);
    assertThat(defaults.latePaymentWindow()).isEqualTo(WINDOW);
    Ledger ledger = ledger(defaults);
    Set<BigDecimal> payAmounts = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      payAmounts.add(allocated(ledger, TEN));
    }
    assertThat(payAmounts).hasSize(100).contains(pay("10"), pay("10.0099")).allSatisfy(p ->
        assertThat(p).isBetween(pay("10"), pay("10.0099")));
    var refused = allocate(ledger, UUID.randomUUID(), TEN, EXPIRES);
    assertThat(refused.reply().getError().getMessage()).startsWith("all 100 payAmounts for 10 ");
    assertThat(refused.hasNoEvents()).isTrue();
  }

  // ---------------------------------------------------------------- holds and releases

  @Test
  void releasingAPaidInvoiceFreesItsSlotAtOnce() {
    Ledger ledger = ledger();
    UUID paid = UUID.randomUUID();
    assertThat(allocated(ledger, paid, TEN)).isEqualTo(pay("10"));
    assertThat(allocated(ledger, TEN)).isEqualTo(pay("10.0001"));
    var released = release(ledger, paid, ReleaseReason.PAID);
    PayAmountReleased event = released.eventOfType(PayAmountReleased.class);
    assertThat(event.holdUntil()).isNull();
    assertThat(event.payAmount()).isEqualTo(pay("10"));
    assertThat(allocated(ledger, TEN)).isEqualTo(pay("10"));
    // Releasing again, or releasing an invoice the ledger does not know, changes nothing.
    assertThat(release(ledger, paid, ReleaseReason.PAID).hasNoEvents()).isTrue();
    assertThat(release(ledger, UUID.randomUUID(), ReleaseReason.CANCELLED).hasNoEvents()).isTrue();
  }

  @Test
  void releasingACancelledInvoiceKeepsItsSlotForTheLatePaymentWindow() {
    Ledger ledger = ledger();
    UUID cancelled = UUID.randomUUID();
    allocated(ledger, cancelled, TEN);
    clock.advance(Duration.ofMinutes(1));
    Instant cancelledAt = clock.instant();
    var released = release(ledger, cancelled, ReleaseReason.CANCELLED);
    assertThat(released.eventOfType(PayAmountReleased.class).holdUntil()).isEqualTo(cancelledAt.plus(WINDOW));

    assertThat(allocated(ledger, TEN)).isEqualTo(pay("10.0001"));
    // A late transfer still finds the cancelled invoice.
    assertThat(route(ledger, transfer("0xlate", "10", cancelledAt.plus(Duration.ofMinutes(30)))).route())
        .isEqualTo(new TransferRoute(cancelled));
    clock.set(cancelledAt.plus(WINDOW).minusMillis(1));
    assertThat(allocated(ledger, TEN)).isEqualTo(pay("10.0002"));
    clock.set(cancelledAt.plus(WINDOW));
    assertThat(allocated(ledger, TEN)).isEqualTo(pay("10"));
  }

  @Test
  void releasingACancelledInvoiceAgainPersistsNothing() {
    Ledger ledger = ledger();
    UUID cancelled = UUID.randomUUID();
    allocated(ledger, cancelled, TEN);
    clock.advance(Duration.ofMinutes(1));
    assertThat(release(ledger, cancelled, ReleaseReason.CANCELLED).events()).hasSize(1);
    clock.advance(Duration.ofMinutes(1));
    assertThat(release(ledger, cancelled, ReleaseReason.CANCELLED).hasNoEvents()).isTrue();
    // Paid late after all: the slot is freed at once.
    assertThat(release(ledger, cancelled, ReleaseReason.PAID).events()).hasSize(1);
    assertThat(allocated(ledger, TEN)).isEqualTo(pay("10"));
  }

  @Test
  void cancellingNeverExtendsAHold() {
    Ledger ledger = ledger();
    UUID invoice = UUID.randomUUID();
    Instant soon = T0.plus(Duration.ofMinutes(1));
    allocate(ledger, invoice, TEN, soon);
    clock.set(T0.plus(Duration.ofMinutes(10)));
    // The hold after expiry ends before now + window would: nothing to change, nothing persisted.
    assertThat(release(ledger, invoice, ReleaseReason.CANCELLED).hasNoEvents()).isTrue();
    assertThat(ledger.kit().getState().slotOf(invoice)).hasValueSatisfying(slot ->
        assertThat(slot.holdUntil()).isEqualTo(soon.plus(WINDOW)));
  }

  @Test
  void anExpiredInvoicesSlotFreesItselfAfterTheLatePaymentWindow() {
    Ledger ledger = ledger();
    UUID expired = UUID.randomUUID();
    allocated(ledger, expired, TEN);
    clock.set(EXPIRES.plus(WINDOW).minusMillis(1));
    assertThat(allocated(ledger, TEN)).isEqualTo(pay("10.0001"));
    clock.set(EXPIRES.plus(WINDOW));
    UUID next = UUID.randomUUID();
    assertThat(allocated(ledger, next, TEN)).isEqualTo(pay("10"));
    // The slot is the new invoice's now; the old one no longer holds anything.
    assertThat(release(ledger, expired, ReleaseReason.PAID).hasNoEvents()).isTrue();
    assertThat(allocated(ledger, TEN)).isEqualTo(pay("10.0002"));
  }

  // ---------------------------------------------------------------- routing

  @Test
  void anExactAmountWithinTheWindowPaysThatInvoice() {
    Ledger ledger = ledger();
    UUID invoice = UUID.randomUUID();
    allocated(ledger, TEN);
    allocated(ledger, invoice, TEN);
    Transfer transfer = transfer("0x1", "10.0001", T0.plus(Duration.ofMinutes(5)));
    var result = route(ledger, transfer);
    assertThat(result.route()).isEqualTo(new TransferRoute(invoice));
    assertThat(result.route().matched()).isTrue();
    TransferRouted event = (TransferRouted) result.events().get(0);
    assertThat(event.invoiceId()).isEqualTo(invoice);
    assertThat(event.transfer()).isEqualTo(transfer);
    // The base units of the token may come with more digits; the value is what counts.
    assertThat(route(ledger, transfer("0x2", "10.000100000000000000", T0.plus(Duration.ofMinutes(6))))
        .route()).isEqualTo(new TransferRoute(invoice));
  }

  @Test
  void anyOtherAmountIsUnmatched() {
    Ledger ledger = ledger();
    allocated(ledger, TEN);
    for (String amount : new String[] {"10.00001", "10.0002", "9.9999", "11", "0.000001"}) {
      var result = route(ledger, transfer("0x" + amount, amount, T0.plus(Duration.ofMinutes(5))));
      assertThat(result.route()).as(amount).isEqualTo(TransferRoute.unmatched());
      assertThat(result.route().matched()).isFalse();
      assertThat(((TransferRouted) result.events().get(0)).invoiceId()).isNull();
    }
  }

  @Test
  void theSameTransferRoutedTwiceGetsTheSameAnswerAndOneEvent() {
    Ledger ledger = ledger();
    UUID invoice = UUID.randomUUID();
    allocated(ledger, invoice, TEN);
    Transfer paying = transfer("0x1", "10", T0.plus(Duration.ofMinutes(5)));
    Transfer stray = transfer("0x2", "12", T0.plus(Duration.ofMinutes(5)));
    assertThat(route(ledger, paying).events()).hasSize(1);
    assertThat(route(ledger, stray).events()).hasSize(1);
    // Later the slot is freed and taken by another invoice: the answers stay what they were.
    release(ledger, invoice, ReleaseReason.PAID);
    UUID other = UUID.randomUUID();
    allocated(ledger, other, TEN);
    allocated(ledger, pay("12"));
    assertThat(rerouted(ledger, paying)).isEqualTo(new TransferRoute(invoice));
    assertThat(rerouted(ledger, stray)).isEqualTo(TransferRoute.unmatched());
    // The same log index of another transaction, or another log of the same one, is another transfer.
    assertThat(route(ledger, new Transfer(Chain.ETHEREUM, "0x1", 1, paying.from(), address, paying.amount(), 100,
        "0xblock", paying.blockTime())).route()).isEqualTo(new TransferRoute(other));
  }

  private static CommandResultWithReply<WalletLedgerCommand, WalletLedgerEvent, WalletLedgerState, StatusReply<TransferRoutes>>
      routeAll(Ledger ledger, List<Transfer> transfers) {
    var result = ledger.kit().<StatusReply<TransferRoutes>>runCommand(r -> new RouteAll(transfers, r));
    assertThat(result.reply().isSuccess()).as("reply %s", result.reply()).isTrue();
    return result;
  }

  @Test
  void aBatchRoutesEachTransferInOrderWithOneAtomicWrite() {
    Ledger ledger = ledger();
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    allocated(ledger, first, TEN);
    allocated(ledger, second, TEN);
    Instant t = T0.plus(Duration.ofMinutes(5));
    Transfer paysFirst = transfer("0x1", "10", t);
    Transfer stray = transfer("0x2", "12", t);
    Transfer paysSecond = transfer("0x3", "10.0001", t);
    Transfer paysFirstAgain = transfer("0x4", "10", t);
    var result = routeAll(ledger, List.of(paysFirst, stray, paysSecond, paysFirstAgain, paysFirst));
    assertThat(result.reply().getValue().routes()).containsExactly(new TransferRoute(first),
        TransferRoute.unmatched(), new TransferRoute(second), new TransferRoute(first), new TransferRoute(first));
    // One event per distinct transfer, in chain order; the one repeated within the batch once.
    assertThat(result.events()).extracting(e -> ((TransferRouted) e).transfer())
        .containsExactly(paysFirst, stray, paysSecond, paysFirstAgain);
    assertThat(result.events()).extracting(e -> ((TransferRouted) e).invoiceId())
        .containsExactly(first, null, second, first);
    // A single Route and a batch give the same answers for what was routed before.
    assertThat(rerouted(ledger, paysSecond)).isEqualTo(new TransferRoute(second));
    assertThat(rerouted(ledger, stray)).isEqualTo(TransferRoute.unmatched());
  }

  @Test
  void aBatchDeliveredAgainAfterARestartPersistsNothingAndAnswersTheSame() {
    // Snapshots every 3 events, so that the batch's atomic write crosses one and recovery starts from it.
    Ledger ledger = ledger(new LedgerSettings(WINDOW, 5, Duration.ofDays(30), Duration.ofMinutes(2), 3, 4));
    UUID invoice = UUID.randomUUID();
    allocated(ledger, invoice, TEN);
    Instant t = T0.plus(Duration.ofMinutes(5));
    Transfer routedAlone = transfer("0x0", "10", t);
    assertThat(route(ledger, routedAlone).route()).isEqualTo(new TransferRoute(invoice));
    List<Transfer> batch = List.of(routedAlone, transfer("0x1", "10", t), transfer("0x2", "7", t));
    var first = routeAll(ledger, batch);
    assertThat(first.events()).hasSize(2);
    // The slot is freed and taken by another invoice before the watcher, restarted, delivers the batch again.
    release(ledger, invoice, ReleaseReason.PAID);
    allocated(ledger, TEN);
    ledger.kit().restart();
    var again = routeAll(ledger, batch);
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().getValue()).isEqualTo(first.reply().getValue());
    assertThat(again.reply().getValue().routes())
        .containsExactly(new TransferRoute(invoice), new TransferRoute(invoice), TransferRoute.unmatched());
  }

  @Test
  void anEmptyBatchPersistsNothing() {
    var result = routeAll(ledger(), List.of());
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.reply().getValue().routes()).isEmpty();
  }

  @Test
  void aTransferAfterTheHoldIsUnmatched() {
    Ledger ledger = ledger();
    UUID invoice = UUID.randomUUID();
    allocated(ledger, invoice, TEN);
    Instant holdUntil = EXPIRES.plus(WINDOW);
    assertThat(route(ledger, transfer("0xlate", "10", holdUntil.minusMillis(1))).route())
        .isEqualTo(new TransferRoute(invoice));
    assertThat(route(ledger, transfer("0xtoolate", "10", holdUntil)).route())
        .isEqualTo(TransferRoute.unmatched());
  }

  @Test
  void aSlotGivenToANewInvoiceDoesNotTakeAnOldTransfer() {
    Ledger ledger = ledger();
    allocated(ledger, TEN);
    Instant reallocatedAt = EXPIRES.plus(WINDOW).plus(Duration.ofMinutes(10));
    clock.set(reallocatedAt);
    UUID newer = UUID.randomUUID();
    assertThat(allocated(ledger, newer, TEN)).isEqualTo(pay("10"));
    // Sent while the slot was the old invoice's, seen only now (a watcher catching up).
    assertThat(route(ledger, transfer("0xold", "10", T0.plus(Duration.ofMinutes(5)))).route())
        .isEqualTo(TransferRoute.unmatched());
    assertThat(route(ledger, transfer("0xbefore", "10", reallocatedAt.minus(Duration.ofMinutes(3))))
        .route()).isEqualTo(TransferRoute.unmatched());
    // Within the clock-skew tolerance, a block stamped a little before the allocation still pays.
    assertThat(route(ledger, transfer("0xskew", "10", reallocatedAt.minus(Duration.ofMinutes(2))))
        .route()).isEqualTo(new TransferRoute(newer));
  }

  // ---------------------------------------------------------------- unmatched transfers

  @Test
  void recordingAnUnmatchedTransferIsIdempotent() {
    Ledger ledger = ledger();
    Transfer stray = transfer("0xstray", "12", T0);
    route(ledger, stray);
    var first = recordUnmatched(ledger, stray);
    assertThat(first.reply().isSuccess()).isTrue();
    assertThat(first.eventOfType(UnmatchedTransferRecorded.class).transfer()).isEqualTo(stray);
    var again = recordUnmatched(ledger, stray);
    assertThat(again.reply().isSuccess()).isTrue();
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(rerouted(ledger, stray)).isEqualTo(TransferRoute.unmatched());
  }

  @Test
  void anUnroutedTransferCanBeRecordedAndThenRoutesNowhere() {
    Ledger ledger = ledger();
    allocated(ledger, TEN);
    Transfer transfer = transfer("0xfinal", "10", T0);
    assertThat(recordUnmatched(ledger, transfer).events()).hasSize(1);
    assertThat(rerouted(ledger, transfer)).isEqualTo(TransferRoute.unmatched());
  }

  @Test
  void aMatchedTransferCannotBeRecordedAsUnmatched() {
    Ledger ledger = ledger();
    UUID invoice = UUID.randomUUID();
    allocated(ledger, invoice, TEN);
    Transfer paying = transfer("0x1", "10", T0);
    route(ledger, paying);
    var refused = recordUnmatched(ledger, paying);
    assertThat(refused.reply().isError()).isTrue();
    assertThat(refused.reply().getError().getMessage()).contains(invoice.toString());
    assertThat(refused.hasNoEvents()).isTrue();
    assertThat(rerouted(ledger, paying)).isEqualTo(new TransferRoute(invoice));
  }

  @Test
  void theEntityIdIsAValidPersistenceIdPart() {
    String entityId = WalletLedger.entityId(Chain.TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");
    assertThat(entityId).isEqualTo("TRON:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");
    assertThat(org.apache.pekko.persistence.typed.PersistenceId.of(WalletLedger.ENTITY_KEY.name(), entityId).id())
        .isEqualTo("WalletLedger|TRON:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");
  }

  @Test
  void onlyUnmatchedTransfersAreTagged() {
    String entityId = WalletLedger.entityId(Chain.ETHEREUM, address);
    Transfer transfer = transfer("0x1", "10", T0);
    assertThat(WalletLedger.tagsFor(SMALL, entityId, new UnmatchedTransferRecorded(transfer, T0)))
        .containsExactly(SMALL.tagFor(entityId));
    assertThat(WalletLedger.tagsFor(SMALL, entityId, new TransferRouted(transfer, null, T0))).isEmpty();
    assertThat(WalletLedger.tagsFor(SMALL, entityId, new PayAmountAllocated(UUID.randomUUID(), TEN, TEN, T0, T0)))
        .isEmpty();
    assertThat(SMALL.tagFor(entityId)).isIn(SMALL.tags());
    assertThat(SMALL.tags()).containsExactly("ledger-0", "ledger-1", "ledger-2", "ledger-3");
  }

  // ---------------------------------------------------------------- recovery

  private record History(UUID a, UUID c, UUID d, Transfer paysA, Transfer stray, Transfer paysD) {}

  /** Ten events: four allocations, three routings, an unmatched record, a PAID and a CANCELLED release. */
  private History history(Ledger ledger) {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    UUID c = UUID.randomUUID();
    UUID d = UUID.randomUUID();
    assertThat(allocated(ledger, a, TEN)).isEqualTo(pay("10"));
    assertThat(allocated(ledger, b, TEN)).isEqualTo(pay("10.0001"));
    assertThat(allocated(ledger, c, TEN)).isEqualTo(pay("10.0002"));
    assertThat(allocated(ledger, d, pay("20"))).isEqualTo(pay("20"));
    clock.advance(Duration.ofMinutes(1));
    Transfer paysA = transfer("0xa", "10", clock.instant());
    Transfer stray = transfer("0xstray", "11", clock.instant());
    Transfer paysD = transfer("0xd", "20", clock.instant());
    assertThat(route(ledger, paysA).route()).isEqualTo(new TransferRoute(a));
    assertThat(route(ledger, stray).route()).isEqualTo(TransferRoute.unmatched());
    assertThat(recordUnmatched(ledger, stray).reply().isSuccess()).isTrue();
    release(ledger, b, ReleaseReason.PAID);
    release(ledger, c, ReleaseReason.CANCELLED);
    assertThat(route(ledger, paysD).route()).isEqualTo(new TransferRoute(d));
    return new History(a, c, d, paysA, stray, paysD);
  }

  /** What the ledger must still answer after recovery. */
  private void assertSameAnswers(Ledger ledger, History h) {
    assertThat(rerouted(ledger, h.paysA())).isEqualTo(new TransferRoute(h.a()));
    assertThat(rerouted(ledger, h.stray())).isEqualTo(TransferRoute.unmatched());
    assertThat(rerouted(ledger, h.paysD())).isEqualTo(new TransferRoute(h.d()));
    assertThat(recordUnmatched(ledger, h.stray()).hasNoEvents()).isTrue();
    assertThat(recordUnmatched(ledger, h.paysA()).reply().isError()).isTrue();
    var again = allocate(ledger, h.a(), TEN, EXPIRES);
    assertThat(again.reply().getValue().value()).isEqualTo(pay("10"));
    assertThat(again.hasNoEvents()).isTrue();
    // b's slot was freed by payment, c's is held after its cancellation.
    assertThat(allocated(ledger, TEN)).isEqualTo(pay("10.0001"));
    assertThat(allocated(ledger, TEN)).isEqualTo(pay("10.0003"));
    Instant cancelledAt = T0.plus(Duration.ofMinutes(1));
    assertThat(route(ledger, transfer("0xc", "10.0002", cancelledAt.plus(WINDOW).minusMillis(1))).route())
        .isEqualTo(new TransferRoute(h.c()));
    assertThat(route(ledger, transfer("0xc2", "10.0002", cancelledAt.plus(WINDOW))).route())
        .isEqualTo(TransferRoute.unmatched());
  }

  @Test
  void restartRecoversTheSameAnswers() {
    Ledger ledger = ledger();
    History history = history(ledger);
    WalletLedgerState.Snapshot before = ledger.kit().getState().toSnapshot();
    WalletLedgerState.Snapshot after = ledger.kit().restart().state().toSnapshot();
    assertThat(after.slots()).containsExactlyInAnyOrderElementsOf(before.slots());
    assertThat(after.routed()).containsExactlyInAnyOrderElementsOf(before.routed());
    assertSameAnswers(ledger, history);
  }

  @Test
  void restartFromASnapshotRecoversTheSameAnswers() {
    Ledger ledger = ledger(new LedgerSettings(WINDOW, 5, Duration.ofDays(30), Duration.ofMinutes(2), 3, 4));
    History history = history(ledger);
    assertThat(ledger.kit().snapshotTestKit()).isPresent();
    assertThat(ledger.kit().snapshotTestKit().get().persistedInStorage(ledger.persistenceId()))
        .isNotEmpty()
        .allSatisfy(stored -> assertThat(stored.second()).isInstanceOf(WalletLedgerState.PackedSnapshot.class));
    WalletLedgerState.Snapshot before = ledger.kit().getState().toSnapshot();
    WalletLedgerState.Snapshot after = ledger.kit().restart().state().toSnapshot();
    assertThat(after.slots()).containsExactlyInAnyOrderElementsOf(before.slots());
    assertThat(after.routed()).containsExactlyInAnyOrderElementsOf(before.routed());
    assertSameAnswers(ledger, history);
  }

  @Test
  void aSnapshotStoredBeforePackedSnapshotsStillRecovers() {
    Ledger ledger = ledger();
    History history = history(ledger);
    WalletLedgerState.Snapshot before = ledger.kit().getState().toSnapshot();
    // What a node before packed snapshots stored after the history's ten events, written and read as CBOR.
    Object stored = testKit.serializationTestKit().verifySerialization(before, false);
    assertThat(stored).isInstanceOf(WalletLedgerState.Snapshot.class);
    var snapshots = ledger.kit().snapshotTestKit().orElseThrow();
    snapshots.clearByPersistenceId(ledger.persistenceId());
    snapshots.persistForRecovery(ledger.persistenceId(), List.of(
        org.apache.pekko.japi.Pair.create(new org.apache.pekko.persistence.testkit.SnapshotMeta(10, 0), stored)));
    WalletLedgerState.Snapshot after = ledger.kit().restart().state().toSnapshot();
    assertThat(after.slots()).containsExactlyInAnyOrderElementsOf(before.slots());
    assertThat(after.routed()).containsExactlyInAnyOrderElementsOf(before.routed());
    assertThat(after.unmatched()).containsExactlyElementsOf(before.unmatched());
    assertSameAnswers(ledger, history);
  }

  @Test
  void thePackedSnapshotRoundTripsThroughCbor() {
    Ledger ledger = ledger();
    history(ledger);
    WalletLedgerState state = ledger.kit().getState();
    Object stored = testKit.serializationTestKit().verifySerialization(state.toPackedSnapshot(), false);
    WalletLedgerState.Snapshot back = WalletLedgerState.fromStored(stored, Duration.ofDays(30)).toSnapshot();
    assertThat(back.slots()).hasSize(3).containsExactlyInAnyOrderElementsOf(state.toSnapshot().slots());
    assertThat(back.routed()).containsExactlyElementsOf(state.toSnapshot().routed());
    assertThat(back.unmatched()).containsExactlyElementsOf(state.toSnapshot().unmatched());
  }

  /**
   * A wallet with many open invoices writes all their slots in every snapshot and reads them all on
   * every recovery: stored as CBOR objects they took about 150 bytes each.
   */
  @Test
  void aStoredSnapshotTakesUnderFiftyBytesPerSlot() {
    WalletLedgerState state = new WalletLedgerState(Duration.ofDays(30));
    for (int i = 0; i < 10_000; i++) {
      state.apply(new PayAmountAllocated(UUID.randomUUID(), new BigDecimal((10 + i) + ".25"),
          new BigDecimal((10 + i) + ".25"), EXPIRES.plus(WINDOW).plusMillis(i), T0.plusMillis(i), null, null));
    }
    var serialization = org.apache.pekko.serialization.SerializationExtension.get(testKit.system());
    Object stored = new WalletLedger.LedgerSnapshotAdapter(Duration.ofDays(30)).toJournal(state);
    byte[] bytes = serialization.serialize(stored).get();
    assertThat(bytes.length).isLessThan(50 * 10_000);
    assertThat(WalletLedgerState.fromStored(serialization.deserialize(bytes,
            serialization.findSerializerFor(stored).identifier(),
            org.apache.pekko.serialization.Serializers.manifestFor(serialization.findSerializerFor(stored), stored))
        .get(), Duration.ofDays(30)).slotCount()).isEqualTo(10_000);
  }

  /**
   * A snapshot holds every open slot, so a wallet with 100,000 open invoices paid for one every 100
   * events with most of its creation rate: a big wallet snapshots every 1 % of its slots, small ones
   * every {@code snapshot-every} events, and none waits more than ten times that.
   */
  @Test
  void theSnapshotIntervalGrowsWithTheWalletUpToTenTimesSnapshotEvery() {
    LedgerSettings shipped = LedgerSettings.fromConfig(com.typesafe.config.ConfigFactory.defaultReference());
    assertThat(shipped.snapshotEvery()).isEqualTo(100);
    assertThat(WalletLedger.snapshotInterval(shipped, 0)).isEqualTo(100);
    assertThat(WalletLedger.snapshotInterval(shipped, 10_000)).isEqualTo(100);
    assertThat(WalletLedger.snapshotInterval(shipped, 50_000)).isEqualTo(500);
    assertThat(WalletLedger.snapshotInterval(shipped, 100_000)).isEqualTo(1_000);
    assertThat(WalletLedger.snapshotInterval(shipped, 1_000_000)).isEqualTo(1_000);
  }

  @Test
  void aBigLedgerSnapshotsLessOftenAndKeepsFewSnapshots() {
    // snapshot-every 1: a snapshot after every event while the ledger holds up to 100 slots, then every
    // 1 % of its slots, at most every 10 events.
    Ledger ledger = ledger(new LedgerSettings(WINDOW, 5, Duration.ofDays(30), Duration.ofMinutes(2), 1, 4));
    for (int i = 0; i < 300; i++) {
      allocated(ledger, new BigDecimal(10 + i));
    }
    List<Long> stored = ledger.kit().snapshotTestKit().orElseThrow().persistedInStorage(ledger.persistenceId())
        .stream().map(p -> p.first().sequenceNr()).sorted().toList();
    // between 200 and 300 slots, a snapshot every 2 events; the count snapshots every 10 events delete
    // all but the latest 20 events' snapshots
    assertThat(stored).hasSizeLessThanOrEqualTo(11).contains(300L);
    for (int i = 1; i < stored.size(); i++) {
      assertThat(stored.get(i) - stored.get(i - 1)).as("snapshots at %s", stored).isGreaterThanOrEqualTo(2);
    }
    WalletLedgerState.Snapshot before = ledger.kit().getState().toSnapshot();
    WalletLedgerState.Snapshot after = ledger.kit().restart().state().toSnapshot();
    assertThat(after.slots()).containsExactlyInAnyOrderElementsOf(before.slots());
    assertThat(allocated(ledger, new BigDecimal(10))).isEqualTo(pay("10.0001"));
  }

  @Test
  void theSnapshotRoundTripsThroughCbor() {
    Ledger ledger = ledger();
    history(ledger);
    WalletLedgerState.Snapshot snapshot = ledger.kit().getState().toSnapshot();
    assertThat(snapshot.slots()).hasSize(3);
    assertThat(snapshot.routed()).hasSize(3);
    assertThat(testKit.serializationTestKit().verifySerialization(snapshot, false)).isEqualTo(snapshot);
  }
}
