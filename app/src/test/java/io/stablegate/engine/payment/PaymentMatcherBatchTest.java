package io.stablegate.engine.payment;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.TestAddresses;
import io.stablegate.engine.TestClock;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.ledger.TransferRoute;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PaymentMatcher#observeAll}: a scanned range's transfers handed over at once, through real
 * sharding on a one-node cluster. Batches of two per ledger command, so that a wallet's transfers
 * take several commands and their order across commands is exercised too.
 */
class PaymentMatcherBatchTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  private static final TestClock CLOCK = new TestClock(T0);
  private static final ToIntFunction<Transfer> ONE_CONFIRMATION = t -> 1;

  private static TestNode node;
  private static InvoiceService invoices;
  private static PaymentMatcher matcher;

  @BeforeAll
  static void start() {
    node = new TestNode(TestDatabase.fresh(), ConfigFactory.parseString("""
            stablegate.ledger.route-batch-size = 2
            stablegate.ledger.match-parallelism = 3
            """), CLOCK);
    invoices = node.invoices();
    matcher = node.matcher();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String randomAddress() {
    return TestAddresses.randomEvm();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Invoice invoice(String wallet, String amount) throws Exception {
    return await(invoices.create(new NewInvoice(UUID.randomUUID(), new InvoiceTerms(UUID.randomUUID(),
        Chain.ETHEREUM, wallet, new BigDecimal(amount), null, null, "{}",
        CLOCK.instant().plus(Duration.ofMinutes(30))))));
  }

  private static int logIndex;

  private static Transfer transfer(String wallet, BigDecimal amount, long block) {
    return new Transfer(Chain.ETHEREUM, "0x" + Long.toHexString(block) + "aa", logIndex++,
        "0xde709f2102306220921060314715629080e2fb77", wallet, amount, block, "0xb" + block, CLOCK.instant());
  }

  private static List<TransferRoute> routes(List<Observation> outcomes) {
    assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(Observation.Recorded.class));
    return outcomes.stream().map(o -> ((Observation.Recorded) o).route()).toList();
  }

  private static List<TransferKey> paid(Invoice invoice) {
    return invoice.payments().stream().map(p -> p.key(Chain.ETHEREUM)).toList();
  }

  @Test
  void severalTransfersToSeveralWalletsInOneRangeEachReachTheirInvoice() throws Exception {
    String walletA = randomAddress();
    String walletB = randomAddress();
    List<Invoice> onA = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      onA.add(invoice(walletA, "10"));
    }
    Invoice onB = invoice(walletB, "10");
    List<Transfer> range = new ArrayList<>();
    for (int i = 4; i >= 0; i--) {
      range.add(transfer(walletA, onA.get(i).payAmount(), 100 + i));
    }
    Transfer paysB = transfer(walletB, onB.payAmount(), 101);
    Transfer stray = transfer(walletA, new BigDecimal("3"), 102);
    Transfer paysA0Twice = transfer(walletA, onA.get(0).payAmount(), 103);
    range.add(paysB);
    range.add(stray);
    range.add(paysA0Twice);

    List<Observation> outcomes = await(matcher.observeAll(range, ONE_CONFIRMATION));

    assertThat(outcomes).extracting(Observation::transfer).containsExactlyElementsOf(range);
    assertThat(routes(outcomes)).containsExactly(new TransferRoute(onA.get(4).id()),
        new TransferRoute(onA.get(3).id()), new TransferRoute(onA.get(2).id()), new TransferRoute(onA.get(1).id()),
        new TransferRoute(onA.get(0).id()), new TransferRoute(onB.id()), TransferRoute.unmatched(),
        new TransferRoute(onA.get(0).id()));
    for (int i = 1; i < 5; i++) {
      Invoice recorded = await(invoices.get(onA.get(i).id()));
      assertThat(recorded.status()).isEqualTo(InvoiceStatus.CONFIRMING);
      assertThat(paid(recorded)).containsExactly(range.get(4 - i).key());
    }
    // Two equal transfers to one invoice: both recorded, in chain order.
    assertThat(paid(await(invoices.get(onA.get(0).id())))).containsExactly(range.get(4).key(), paysA0Twice.key());
    assertThat(paid(await(invoices.get(onB.id())))).containsExactly(paysB.key());
  }

  @Test
  void aRangeHandedOverAgainCreditsNothingTwice() throws Exception {
    String wallet = randomAddress();
    Invoice first = invoice(wallet, "25");
    Invoice second = invoice(wallet, "25");
    List<Transfer> range = List.of(transfer(wallet, first.payAmount(), 200), transfer(wallet, second.payAmount(), 200),
        transfer(wallet, new BigDecimal("1"), 201));
    List<TransferRoute> once = routes(await(matcher.observeAll(range, ONE_CONFIRMATION)));
    Invoice firstOnce = await(invoices.get(first.id()));
    Invoice secondOnce = await(invoices.get(second.id()));

    // A watcher that restarted before its checkpoint hands the same range over again, later.
    assertThat(routes(await(matcher.observeAll(range, t -> 2)))).isEqualTo(once);
    // Routed but not yet told to the invoices: the route alone, then the whole, still one payment each.
    assertThat(await(matcher.routeAll(range))).isEqualTo(once);
    // (webhook delivery runs on the node and records its attempts, so compare what the payments made)
    assertSamePayments(await(invoices.get(first.id())), firstOnce);
    assertSamePayments(await(invoices.get(second.id())), secondOnce);
    assertThat(firstOnce.payments()).hasSize(1);
    assertThat(secondOnce.payments()).hasSize(1);
  }

  @Test
  void aRangeOnlyRoutedIsRecordedWhenHandedOverAgain() throws Exception {
    String wallet = randomAddress();
    Invoice invoice = invoice(wallet, "5");
    List<Transfer> range = List.of(transfer(wallet, invoice.payAmount(), 300));
    // The node stopped after the routing was persisted and before the invoice heard of it.
    assertThat(await(matcher.routeAll(range))).containsExactly(new TransferRoute(invoice.id()));
    assertThat(await(invoices.get(invoice.id())).payments()).isEmpty();
    assertThat(routes(await(matcher.observeAll(range, ONE_CONFIRMATION))))
        .containsExactly(new TransferRoute(invoice.id()));
    assertThat(paid(await(invoices.get(invoice.id())))).containsExactly(range.get(0).key());
  }

  @Test
  void anEmptyRangeIsNothing() throws Exception {
    assertThat(await(matcher.observeAll(List.of(), ONE_CONFIRMATION))).isEmpty();
  }

  private static void assertSamePayments(Invoice actual, Invoice expected) {
    assertThat(actual.status()).isEqualTo(expected.status());
    assertThat(actual.payments()).isEqualTo(expected.payments());
    assertThat(actual.amountPaid()).isEqualByComparingTo(expected.amountPaid());
  }
}
