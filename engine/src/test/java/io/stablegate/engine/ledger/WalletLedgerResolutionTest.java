package io.stablegate.engine.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.PersistenceTestConfig;
import io.stablegate.engine.TestAddresses;
import io.stablegate.engine.TestClock;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.credit.PaymentSource;
import io.stablegate.engine.ledger.WalletLedgerCommand.Allocate;
import io.stablegate.engine.ledger.WalletLedgerCommand.AllocateRemainder;
import io.stablegate.engine.ledger.WalletLedgerCommand.Attach;
import io.stablegate.engine.ledger.WalletLedgerCommand.Dismiss;
import io.stablegate.engine.ledger.WalletLedgerCommand.GetUnmatched;
import io.stablegate.engine.ledger.WalletLedgerCommand.MarkCredited;
import io.stablegate.engine.ledger.WalletLedgerCommand.RecordUnmatched;
import io.stablegate.engine.ledger.WalletLedgerCommand.RouteAll;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferAttached;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferCredited;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferDismissed;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferRecorded;
import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The wallet ledger's side of payment resolution: tolerance routing (one window pays, two make
 * candidates), unmatched transfers with their state, attach and dismiss with their conflicts and
 * retries, remainder payAmounts; each recovered by a restart, from events and from a snapshot.
 */
class WalletLedgerResolutionTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  private static final Instant EXPIRES = T0.plus(Duration.ofMinutes(30));
  private static final LedgerSettings SETTINGS =
      new LedgerSettings(Duration.ofHours(1), 100, Duration.ofDays(30), Duration.ofMinutes(2), 100, 4);
  /** A snapshot after every 3 events: recovery starts from a snapshot holding the unmatched transfers. */
  private static final LedgerSettings SNAPSHOTTING =
      new LedgerSettings(Duration.ofHours(1), 100, Duration.ofDays(30), Duration.ofMinutes(2), 3, 4);
  private static final Attribution BY_KEY = new Attribution(UUID.randomUUID(), Attribution.Via.API_KEY);

  private static ActorTestKit testKit;

  private final TestClock clock = new TestClock(T0);
  private final String address = TestAddresses.randomEvm();

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("WalletLedgerResolutionTest", PersistenceTestConfig.config());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private EventSourcedBehaviorTestKit<WalletLedgerCommand, WalletLedgerEvent, WalletLedgerState> ledger(
      LedgerSettings settings) {
    return EventSourcedBehaviorTestKit.create(testKit.system(),
        WalletLedger.create(WalletLedger.entityId(Chain.ETHEREUM, address), settings, clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true).withVerifyState(false));
  }

  private static BigDecimal allocate(EventSourcedBehaviorTestKit<WalletLedgerCommand, WalletLedgerEvent,
      WalletLedgerState> ledger, UUID invoice, String amount, String tolerance) {
    var result = ledger.<StatusReply<PayAmount>>runCommand(r -> new Allocate(invoice, new BigDecimal(amount), EXPIRES,
        tolerance == null ? null : new BigDecimal(tolerance), r));
    assertThat(result.reply().isSuccess()).isTrue();
    return result.reply().getValue().value();
  }

  private Transfer transfer(String txHash, String amount) {
    return new Transfer(Chain.ETHEREUM, txHash, 0, TestAddresses.randomEvm(), address, new BigDecimal(amount), 100,
        "0xblock", T0.plus(Duration.ofMinutes(1)));
  }

  private static TransferRoute route(EventSourcedBehaviorTestKit<WalletLedgerCommand, WalletLedgerEvent,
      WalletLedgerState> ledger, Transfer transfer) {
    return ledger.<StatusReply<TransferRoutes>>runCommand(r -> new RouteAll(java.util.List.of(transfer), r)).reply()
        .getValue().routes().get(0);
  }

  private static void recordUnmatched(EventSourcedBehaviorTestKit<WalletLedgerCommand, WalletLedgerEvent,
      WalletLedgerState> ledger, Transfer transfer) {
    var result = ledger.<StatusReply<Done>>runCommand(r -> new RecordUnmatched(transfer, r));
    assertThat(result.reply().isSuccess()).isTrue();
  }

  private static Resolution attach(EventSourcedBehaviorTestKit<WalletLedgerCommand, WalletLedgerEvent,
      WalletLedgerState> ledger, TransferKey key, UUID invoice, UUID request) {
    return ledger.<StatusReply<Resolution>>runCommand(r -> new Attach(key, invoice, request, BY_KEY, r))
        .reply().getValue();
  }

  @Test
  void aTransferInExactlyOneToleranceWindowPaysThatInvoice() {
    var ledger = ledger(SETTINGS);
    UUID invoice = UUID.randomUUID();
    assertThat(allocate(ledger, invoice, "100", "1")).isEqualByComparingTo("100");
    TransferRoute route = route(ledger, transfer("0x1", "99.5"));
    assertThat(route.invoiceId()).isEqualTo(invoice);
    assertThat(route.source()).isEqualTo(PaymentSource.TOLERANCE);
    // exactly the payAmount is an exact match; below the window or at/above the payAmount+ nothing
    assertThat(route(ledger, transfer("0x2", "100")).source()).isEqualTo(PaymentSource.MATCHED);
    assertThat(route(ledger, transfer("0x3", "98.99")).matched()).isFalse();
    assertThat(route(ledger, transfer("0x4", "100.5")).matched()).isFalse();
    ledger.restart();
    assertThat(route(ledger, transfer("0x1", "99.5"))).isEqualTo(route);
  }

  @Test
  void aTransferInTwoWindowsPaysNeitherAndKeepsThemAsCandidates() {
    var ledger = ledger(SETTINGS);
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    allocate(ledger, first, "100", "2");
    allocate(ledger, second, "100", "2"); // 100.0001
    Transfer transfer = transfer("0x1", "99");
    var routed = ledger.<StatusReply<TransferRoutes>>runCommand(r -> new RouteAll(List.of(transfer), r));
    TransferRoute route = routed.reply().getValue().routes().get(0);
    assertThat(route.matched()).isFalse();
    assertThat(route.candidates()).containsExactlyInAnyOrder(first, second);

    recordUnmatched(ledger, transfer);
    UnmatchedTransfer kept = ledger.getState().unmatched(transfer.key().toString()).orElseThrow();
    assertThat(kept.state()).isEqualTo(UnmatchedTransfer.State.OPEN);
    assertThat(kept.candidates()).containsExactlyInAnyOrder(first, second);
    assertThat(kept.claims()).isEmpty();
    assertThat(ledger.getState().pendingWebhooks()).singleElement()
        .satisfies(w -> assertThat(w.candidates()).containsExactlyInAnyOrder(first, second));
    ledger.restart();
    assertThat(ledger.getState().unmatched(transfer.key().toString())).contains(kept);
  }

  @Test
  void anOpenTransferIsAttachedOnceAndItsRetriesComeThrough() {
    var ledger = ledger(SNAPSHOTTING);
    Transfer transfer = transfer("0x1", "40");
    recordUnmatched(ledger, transfer);
    TransferKey key = transfer.key();
    UUID invoice = UUID.randomUUID();
    UUID request = UUID.randomUUID();

    assertThat(attach(ledger, transfer("0x9", "1").key(), invoice, request).outcome())
        .isEqualTo(Resolution.Outcome.NOT_FOUND);
    var first = ledger.<StatusReply<Resolution>>runCommand(r -> new Attach(key, invoice, request, BY_KEY, r));
    assertThat(first.events()).singleElement().isInstanceOf(UnmatchedTransferAttached.class);
    assertThat(first.reply().getValue().outcome()).isEqualTo(Resolution.Outcome.DONE);
    assertThat(first.reply().getValue().transfer().awaitingCredit()).isTrue();

    // the same request again, or the same invoice while the credit is missing: let through, nothing persisted
    var retried = ledger.<StatusReply<Resolution>>runCommand(r -> new Attach(key, invoice, request, BY_KEY, r));
    assertThat(retried.hasNoEvents()).isTrue();
    assertThat(retried.reply().getValue().outcome()).isEqualTo(Resolution.Outcome.DONE);
    assertThat(attach(ledger, key, invoice, UUID.randomUUID()).outcome()).isEqualTo(Resolution.Outcome.DONE);
    // another invoice: conflict
    Resolution other = attach(ledger, key, UUID.randomUUID(), UUID.randomUUID());
    assertThat(other.outcome()).isEqualTo(Resolution.Outcome.CONFLICT);
    assertThat(other.reason()).contains(invoice.toString());

    ledger.restart();
    assertThat(ledger.getState().unmatched(key.toString()).orElseThrow().awaitingCredit()).isTrue();

    var credited = ledger.<StatusReply<Done>>runCommand(r -> new MarkCredited(key, invoice, r));
    assertThat(credited.events()).singleElement().isInstanceOf(UnmatchedTransferCredited.class);
    assertThat(ledger.<StatusReply<Done>>runCommand(r -> new MarkCredited(key, invoice, r)).hasNoEvents()).isTrue();
    // complete now: a new attach, even to the same invoice, is a conflict
    assertThat(attach(ledger, key, invoice, UUID.randomUUID()).outcome()).isEqualTo(Resolution.Outcome.CONFLICT);
    // and dismissing it is too
    assertThat(ledger.<StatusReply<Resolution>>runCommand(r -> new Dismiss(key, "x", UUID.randomUUID(), BY_KEY, r))
        .reply().getValue().outcome()).isEqualTo(Resolution.Outcome.CONFLICT);

    ledger.restart();
    UnmatchedTransfer recovered = ledger.getState().unmatched(key.toString()).orElseThrow();
    assertThat(recovered.state()).isEqualTo(UnmatchedTransfer.State.ATTACHED);
    assertThat(recovered.invoiceId()).isEqualTo(invoice);
    assertThat(recovered.resolvedBy()).isEqualTo(BY_KEY);
    assertThat(recovered.creditedAt()).isNotNull();
  }

  @Test
  void aDismissedTransferCannotBeAttached() {
    var ledger = ledger(SETTINGS);
    Transfer transfer = transfer("0x1", "12");
    recordUnmatched(ledger, transfer);
    UUID request = UUID.randomUUID();
    var dismissed = ledger.<StatusReply<Resolution>>runCommand(
        r -> new Dismiss(transfer.key(), "refunded to the payer", request, BY_KEY, r));
    assertThat(dismissed.events()).singleElement().isInstanceOf(UnmatchedTransferDismissed.class);
    UnmatchedTransfer u = dismissed.reply().getValue().transfer();
    assertThat(u.state()).isEqualTo(UnmatchedTransfer.State.DISMISSED);
    assertThat(u.note()).isEqualTo("refunded to the payer");
    assertThat(u.resolvedAt()).isNotNull();
    // the same request again: the same answer; another request: conflict
    assertThat(ledger.<StatusReply<Resolution>>runCommand(r -> new Dismiss(transfer.key(), "refunded to the payer",
        request, BY_KEY, r)).hasNoEvents()).isTrue();
    assertThat(ledger.<StatusReply<Resolution>>runCommand(r -> new Dismiss(transfer.key(), "again", UUID.randomUUID(),
        BY_KEY, r)).reply().getValue().outcome()).isEqualTo(Resolution.Outcome.CONFLICT);
    ledger.restart();
    Resolution attach = attach(ledger, transfer.key(), UUID.randomUUID(), UUID.randomUUID());
    assertThat(attach.outcome()).isEqualTo(Resolution.Outcome.CONFLICT);
    assertThat(attach.reason()).contains("dismissed");
    assertThat(ledger.<StatusReply<Resolution>>runCommand(r -> new GetUnmatched(transfer.key(), r)).reply().getValue()
        .transfer().state()).isEqualTo(UnmatchedTransfer.State.DISMISSED);
  }

  @Test
  void aRemaindersPayAmountIsUniqueAndReplacesTheInvoicesSlot() {
    var ledger = ledger(SETTINGS);
    UUID partial = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    allocate(ledger, partial, "100", "1");
    assertThat(allocate(ledger, other, "60", null)).isEqualByComparingTo("60");
    var remainder = ledger.<StatusReply<PayAmount>>runCommand(
        r -> new AllocateRemainder(partial, new BigDecimal("60"), EXPIRES, r));
    assertThat(remainder.reply().getValue().value()).isEqualByComparingTo("60.0001");
    // asked again for the same remainder: the same payAmount, nothing persisted
    var again = ledger.<StatusReply<PayAmount>>runCommand(
        r -> new AllocateRemainder(partial, new BigDecimal("60"), EXPIRES, r));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().getValue().value()).isEqualByComparingTo("60.0001");

    ledger.restart();
    assertThat(route(ledger, transfer("0x1", "60.0001")).invoiceId()).isEqualTo(partial);
    assertThat(route(ledger, transfer("0x2", "100")).matched()).isFalse();
    // the remainder keeps the invoice's tolerance, judged against the remainder: [59.4, 60) and [59.4, 60)
    // would be two windows if "other" had a tolerance; it has none, so 59.5 is the partial invoice's
    TransferRoute tolerant = route(ledger, transfer("0x3", "59.5"));
    assertThat(tolerant.invoiceId()).isEqualTo(partial);
    assertThat(tolerant.source()).isEqualTo(PaymentSource.TOLERANCE);
  }

  @Test
  void unmatchedTransfersSurviveASnapshot() {
    var ledger = ledger(SNAPSHOTTING);
    Transfer a = transfer("0x1", "1");
    Transfer b = transfer("0x2", "2");
    recordUnmatched(ledger, a);
    recordUnmatched(ledger, b);
    ledger.<StatusReply<Resolution>>runCommand(r -> new Dismiss(a.key(), "spam", UUID.randomUUID(), BY_KEY, r));
    ledger.<StatusReply<Resolution>>runCommand(r -> new Attach(b.key(), UUID.randomUUID(), UUID.randomUUID(), BY_KEY, r));
    List<UnmatchedTransfer> before = ledger.getState().unmatchedTransfers();
    ledger.restart();
    assertThat(ledger.getState().unmatchedTransfers()).containsExactlyInAnyOrderElementsOf(before);
    assertThat(ledger.getState().pendingWebhooks()).hasSize(2);
  }

  @Test
  void recordingTheSameUnmatchedTransferTwiceKeepsOneAndAnnouncesItOnce() {
    var ledger = ledger(SETTINGS);
    Transfer transfer = transfer("0x1", "5");
    recordUnmatched(ledger, transfer);
    var again = ledger.<StatusReply<Done>>runCommand(r -> new RecordUnmatched(transfer, r));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(ledger.getState().unmatchedTransfers()).hasSize(1);
    assertThat(ledger.getState().pendingWebhooks()).hasSize(1);
    assertThat(ledger.getState().unmatchedTransfers().get(0).transfer()).isEqualTo(transfer);
    assertThat(new UnmatchedTransferRecorded(transfer, T0).webhookEventId()).isNull();
  }
}
