package io.stablegate.engine.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.PersistenceTestConfig;
import io.stablegate.engine.TestAddresses;
import io.stablegate.engine.TestClock;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.ledger.WalletLedgerCommand.Allocate;
import io.stablegate.engine.ledger.WalletLedgerCommand.RecordClaim;
import io.stablegate.engine.ledger.WalletLedgerCommand.RecordUnmatched;
import io.stablegate.engine.ledger.WalletLedgerCommand.RouteAll;
import io.stablegate.engine.ledger.WalletLedgerEvent.ClaimAwaitingTransfer;
import io.stablegate.engine.ledger.WalletLedgerEvent.ClaimRecorded;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferRecorded;
import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Payers' claims on the wallet ledger: a claim never credits; on a transfer routed to an invoice it
 * answers that invoice; on an unmatched transfer it is recorded once per invoice; a claim made before
 * the transfer is final waits for it and is recorded on it, with its own time, when the transfer is
 * kept as unmatched; claims survive a restart from a snapshot.
 */
class WalletLedgerClaimTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  private static final LedgerSettings SETTINGS =
      new LedgerSettings(Duration.ofHours(1), 5, Duration.ofDays(30), Duration.ofMinutes(2), 1, 4);
  private static final EventSourcedBehaviorTestKit.SerializationSettings SERIALIZATION =
      EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true).withVerifyState(false);

  private static ActorTestKit testKit;

  private final TestClock clock = new TestClock(T0);
  private final String address = TestAddresses.randomEvm();
  private final EventSourcedBehaviorTestKit<WalletLedgerCommand, WalletLedgerEvent, WalletLedgerState> ledger =
      EventSourcedBehaviorTestKit.create(testKit.system(),
          WalletLedger.create(WalletLedger.entityId(Chain.ETHEREUM, address), SETTINGS, clock), SERIALIZATION);

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("WalletLedgerClaimTest", PersistenceTestConfig.config());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private Transfer transfer(String txHash, String amount) {
    return new Transfer(Chain.ETHEREUM, txHash, 0, TestAddresses.randomEvm(), address, new BigDecimal(amount), 100L,
        "0xblock", T0.plusSeconds(60));
  }

  private CommandResultWithReply<WalletLedgerCommand, WalletLedgerEvent, WalletLedgerState, StatusReply<ClaimOutcome>>
      claim(TransferKey transfer, UUID invoiceId) {
    var result = ledger.<StatusReply<ClaimOutcome>>runCommand(r -> new RecordClaim(transfer, invoiceId, r));
    assertThat(result.reply().isSuccess()).as("reply %s", result.reply()).isTrue();
    return result;
  }

  private void recordUnmatched(Transfer transfer) {
    var routed = ledger.<StatusReply<TransferRoutes>>runCommand(r -> new RouteAll(java.util.List.of(transfer), r));
    assertThat(routed.reply().getValue().routes().get(0).matched()).isFalse();
    var recorded = ledger.<StatusReply<Done>>runCommand(r -> new RecordUnmatched(transfer, r));
    assertThat(recorded.reply().isSuccess()).isTrue();
  }

  @Test
  void aClaimBeforeTheTransferIsFinalWaitsAndIsRecordedOnItWhenItIsKeptAsUnmatched() {
    Transfer forty = transfer("0x" + "a".repeat(64), "40");
    UUID invoice = UUID.randomUUID();

    var first = claim(forty.key(), invoice);
    assertThat(first.reply().getValue().result()).isEqualTo(ClaimOutcome.Result.AWAITING_TRANSFER);
    assertThat(first.eventOfType(ClaimAwaitingTransfer.class).invoiceId()).isEqualTo(invoice);
    assertThat(claim(forty.key(), invoice).hasNoEvents()).as("a repeated claim records nothing").isTrue();

    clock.advance(Duration.ofMinutes(3));
    var routed = ledger.<StatusReply<TransferRoutes>>runCommand(r -> new RouteAll(java.util.List.of(forty), r));
    assertThat(routed.reply().getValue().routes().get(0).matched()).isFalse();
    var recorded = ledger.<StatusReply<Done>>runCommand(r -> new RecordUnmatched(forty, r));
    assertThat(recorded.events()).hasSize(2);
    assertThat(recorded.events().get(0)).isInstanceOf(UnmatchedTransferRecorded.class);
    ClaimRecorded claimed = (ClaimRecorded) recorded.events().get(1);
    assertThat(claimed.invoiceId()).isEqualTo(invoice);
    assertThat(claimed.at()).as("the claim keeps its own time").isEqualTo(T0);

    UnmatchedTransfer kept = recorded.state().unmatched(forty.key().toString()).orElseThrow();
    assertThat(kept.claims()).containsExactly(new UnmatchedTransfer.Claim(invoice, T0));
    assertThat(kept.state()).as("a claim credits nothing").isEqualTo(UnmatchedTransfer.State.OPEN);
    assertThat(recorded.state().awaitingClaims(forty.key().toString())).isEmpty();

    var again = claim(forty.key(), invoice);
    assertThat(again.reply().getValue().result()).isEqualTo(ClaimOutcome.Result.RECORDED);
    assertThat(again.hasNoEvents()).isTrue();
  }

  @Test
  void aClaimOnAnUnmatchedTransferIsRecordedOncePerInvoice() {
    Transfer five = transfer("0x" + "b".repeat(64), "5");
    recordUnmatched(five);
    UUID one = UUID.randomUUID();
    UUID two = UUID.randomUUID();

    var first = claim(five.key(), one);
    assertThat(first.reply().getValue().result()).isEqualTo(ClaimOutcome.Result.RECORDED);
    assertThat(first.eventOfType(ClaimRecorded.class).invoiceId()).isEqualTo(one);
    assertThat(claim(five.key(), one).hasNoEvents()).isTrue();
    claim(five.key(), two);

    assertThat(ledger.getState().unmatched(five.key().toString()).orElseThrow().claims())
        .extracting(UnmatchedTransfer.Claim::invoiceId).containsExactly(one, two);
  }

  @Test
  void aClaimOnATransferThatPaysAnInvoiceAnswersThatInvoiceAndRecordsNothing() {
    UUID paid = UUID.randomUUID();
    var allocated = ledger.<StatusReply<PayAmount>>runCommand(r ->
        new Allocate(paid, new BigDecimal("12"), T0.plus(Duration.ofMinutes(30)), r));
    Transfer payment = transfer("0x" + "c".repeat(64), allocated.reply().getValue().value().toPlainString());
    assertThat(ledger.<StatusReply<TransferRoutes>>runCommand(r -> new RouteAll(java.util.List.of(payment), r)).reply()
        .getValue().routes().get(0).invoiceId())
        .isEqualTo(paid);

    var mine = claim(payment.key(), paid);
    assertThat(mine.reply().getValue()).isEqualTo(ClaimOutcome.paysInvoice(paid));
    assertThat(mine.hasNoEvents()).isTrue();
    var another = claim(payment.key(), UUID.randomUUID());
    assertThat(another.reply().getValue()).isEqualTo(ClaimOutcome.paysInvoice(paid));
    assertThat(another.hasNoEvents()).isTrue();
  }

  @Test
  void claimsSurviveARestartFromASnapshot() {
    Transfer unmatched = transfer("0x" + "d".repeat(64), "3");
    recordUnmatched(unmatched);
    UUID recorded = UUID.randomUUID();
    claim(unmatched.key(), recorded);
    TransferKey notYetSeen = new TransferKey(Chain.ETHEREUM, "0x" + "e".repeat(64), 2);
    UUID waiting = UUID.randomUUID();
    claim(notYetSeen, waiting);

    WalletLedgerState restarted = ledger.restart().state();
    assertThat(restarted.unmatched(unmatched.key().toString()).orElseThrow().claims())
        .extracting(UnmatchedTransfer.Claim::invoiceId).containsExactly(recorded);
    assertThat(restarted.awaitingClaims(notYetSeen.toString()))
        .extracting(WalletLedgerState.AwaitingClaim::invoiceId).containsExactly(waiting);
  }
}
