package io.stablegate.engine.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.stablegate.engine.TestAddresses;
import io.stablegate.engine.TestClock;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.ledger.Resolution;
import io.stablegate.engine.ledger.WalletLedger;
import io.stablegate.engine.ledger.WalletLedgerCommand;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import com.typesafe.config.ConfigFactory;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attach conversation on the sharded entities: an attach interrupted after the ledger's step (as
 * if its node stopped) is completed by the ledger when it is woken, or by the same attach asked
 * again; once complete, attaching again is a conflict; of two concurrent attaches of one transfer to
 * two invoices exactly one credits. On a composition-root node (whose ledgers complete attaches
 * through the node's {@link UnmatchedTransferService}) over a test database.
 */
class UnmatchedTransferServiceTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  private static final TestClock CLOCK = new TestClock(T0);
  private static TestNode node;
  private static InvoiceService invoices;
  private static PaymentMatcher matcher;
  private static UnmatchedTransferService service;

  private final UUID merchant = UUID.randomUUID();
  private final Attribution by = new Attribution(merchant, Attribution.Via.SESSION);
  private final String wallet = TestAddresses.randomEvm();

  @BeforeAll
  static void start() {
    node = new TestNode(TestDatabase.fresh(), ConfigFactory.empty(), CLOCK);
    invoices = node.invoices();
    matcher = node.matcher();
    service = new UnmatchedTransferService(node.system());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private Invoice invoice(String amount) throws Exception {
    return await(invoices.create(new NewInvoice(UUID.randomUUID(), new InvoiceTerms(merchant, Chain.ETHEREUM, wallet,
        new BigDecimal(amount), null, null, "{}", CLOCK.instant().plus(Duration.ofMinutes(30))))));
  }

  private Transfer unmatched(String txHash, String amount) throws Exception {
    Transfer t = new Transfer(Chain.ETHEREUM, txHash, 0, TestAddresses.randomEvm(), wallet, new BigDecimal(amount),
        100, "0xblock", CLOCK.instant());
    await(matcher.routeAll(List.of(t)));
    await(matcher.recordUnmatched(t));
    return t;
  }

  private EntityRef<WalletLedgerCommand> ledger() {
    return ClusterSharding.get(node.system()).entityRefFor(WalletLedger.ENTITY_KEY,
        WalletLedger.entityId(Chain.ETHEREUM, wallet));
  }

  /** Only the ledger's step, as if the node making the attach stopped right after it. */
  private void ledgerStepOnly(Transfer t, UUID invoiceId) throws Exception {
    Resolution r = await(ledger().<Resolution>askWithStatus(
        reply -> new WalletLedgerCommand.Attach(t.key(), invoiceId, UUID.randomUUID(), by, reply),
        Duration.ofSeconds(15)));
    assertThat(r.outcome()).isEqualTo(Resolution.Outcome.DONE);
    assertThat(r.transfer().awaitingCredit()).isTrue();
  }

  private static ResolutionRefused.Kind refusal(CompletionStage<?> stage) {
    Throwable error = catchThrowable(() -> await(stage));
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    assertThat(cause).isInstanceOf(ResolutionRefused.class);
    return ((ResolutionRefused) cause).kind();
  }

  @Test
  void anInterruptedAttachIsCompletedByTheLedgerWhenItWakes() throws Exception {
    Invoice invoice = invoice("100");
    Transfer t = unmatched("0xaa01", "40");
    ledgerStepOnly(t, invoice.id());
    assertThat(await(invoices.get(invoice.id())).status()).isEqualTo(InvoiceStatus.PENDING);

    await(ledger().<Done>askWithStatus(WalletLedgerCommand.Resume::new, Duration.ofSeconds(15)));
    TestProbe.<Object>create(node.system()).awaitAssert(Duration.ofSeconds(30), () -> {
      try {
        Invoice credited = await(invoices.get(invoice.id()));
        assertThat(credited.status()).isEqualTo(InvoiceStatus.PARTIALLY_PAID);
        assertThat(credited.amountPaid()).isEqualByComparingTo("40");
        assertThat(await(service.get(wallet, t.key())).creditedAt()).isNotNull();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      return null;
    });
    // complete now: the same attach again is a conflict, and credits nothing more
    assertThat(refusal(service.attach(by, wallet, t.key(), invoice.id()))).isEqualTo(ResolutionRefused.Kind.CONFLICT);
    assertThat(await(invoices.get(invoice.id())).amountPaid()).isEqualByComparingTo("40");
  }

  @Test
  void anInterruptedAttachIsCompletedByTheSameAttachAskedAgain() throws Exception {
    Invoice invoice = invoice("100");
    Transfer t = unmatched("0xaa02", "100.5");
    ledgerStepOnly(t, invoice.id());
    Invoice paid = await(service.attach(by, wallet, t.key(), invoice.id()));
    assertThat(paid.status()).isEqualTo(InvoiceStatus.PAID);
    assertThat(paid.overpaid()).isTrue();
    assertThat(paid.amountPaid()).isEqualByComparingTo("100.5");
    // to another invoice: conflict
    Invoice other = invoice("100");
    assertThat(refusal(service.attach(by, wallet, t.key(), other.id()))).isEqualTo(ResolutionRefused.Kind.CONFLICT);
  }

  @Test
  void ofTwoConcurrentAttachesOfOneTransferExactlyOneCredits() throws Exception {
    Invoice a = invoice("50");
    Invoice b = invoice("50");
    Transfer t = unmatched("0xaa03", "50.5");
    CompletableFuture<Invoice> toA = service.attach(by, wallet, t.key(), a.id()).toCompletableFuture();
    CompletableFuture<Invoice> toB = service.attach(by, wallet, t.key(), b.id()).toCompletableFuture();
    CompletableFuture.allOf(toA, toB).handle((v, e) -> null).get(30, TimeUnit.SECONDS);
    assertThat(List.of(toA, toB).stream().filter(f -> !f.isCompletedExceptionally()).count()).isEqualTo(1);
    long credited = List.of(await(invoices.get(a.id())), await(invoices.get(b.id()))).stream()
        .filter(i -> !i.payments().isEmpty()).count();
    assertThat(credited).isEqualTo(1);
  }

  @Test
  void unknownTransfersAndOtherMerchantsInvoicesAreNotFound() throws Exception {
    Invoice invoice = invoice("100");
    Transfer t = unmatched("0xaa04", "1");
    Transfer never = new Transfer(Chain.ETHEREUM, "0xaa05", 0, "0x1", wallet, BigDecimal.ONE, 1, "0xb", T0);
    assertThat(refusal(service.attach(by, wallet, never.key(), invoice.id())))
        .isEqualTo(ResolutionRefused.Kind.NOT_FOUND);
    Attribution stranger = new Attribution(UUID.randomUUID(), Attribution.Via.API_KEY);
    assertThat(refusal(service.attach(stranger, wallet, t.key(), invoice.id())))
        .isEqualTo(ResolutionRefused.Kind.NOT_FOUND);
    assertThat(await(service.get(wallet, t.key())).state()).isEqualTo(
        io.stablegate.engine.ledger.UnmatchedTransfer.State.OPEN);
  }
}
