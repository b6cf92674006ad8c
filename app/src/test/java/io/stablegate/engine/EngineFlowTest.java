package io.stablegate.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.ledger.TransferRoute;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import io.stablegate.engine.payment.Observation;
import io.stablegate.engine.payment.PaymentMatcher;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The services other modules call, on a whole node (through the composition root) on PostgreSQL: an HTTP route
 * creating and cancelling invoices, a chain watcher reporting transfers.
 */
class EngineFlowTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  private static final TestClock CLOCK = new TestClock(T0);
  private static final int CONFIRMATIONS = 3;

  private static TestNode node;
  private static InvoiceService invoices;
  private static PaymentMatcher matcher;

  private final String wallet = randomAddress();

  @BeforeAll
  static void start() {
    node = new TestNode(TestDatabase.fresh(), ConfigFactory.parseString("""
            stablegate.chains.ethereum.confirmations = %d
            """.formatted(CONFIRMATIONS)), CLOCK);
    invoices = node.invoices();
    matcher = node.matcher();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @BeforeEach
  void resetClock() {
    CLOCK.set(T0);
  }

  private static String randomAddress() {
    return TestAddresses.randomEvm();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private NewInvoice newInvoice(String amount) {
    return new NewInvoice(UUID.randomUUID(), new InvoiceTerms(UUID.randomUUID(), Chain.ETHEREUM, wallet,
        new BigDecimal(amount), "order-1", null, "{}", CLOCK.instant().plus(Duration.ofMinutes(30))));
  }

  /** One transfer observed on its own, as a range of one with one confirmation; it must be recorded. */
  private TransferRoute observe(Transfer transfer) throws Exception {
    List<Observation> outcomes = await(matcher.observeAll(List.of(transfer), t -> 1));
    assertThat(outcomes).singleElement().isInstanceOf(Observation.Recorded.class);
    return ((Observation.Recorded) outcomes.get(0)).route();
  }

  private Transfer transfer(String txHash, BigDecimal amount) {
    return new Transfer(Chain.ETHEREUM, txHash, 0, "0xde709f2102306220921060314715629080e2fb77", wallet, amount,
        100, "0xblock", CLOCK.instant());
  }

  @Test
  void createAllocatesAUniquePayAmountAndIsIdempotent() throws Exception {
    NewInvoice first = newInvoice("10");
    Invoice created = await(invoices.create(first));
    assertThat(created.status()).isEqualTo(InvoiceStatus.PENDING);
    assertThat(created.payAmount()).isEqualTo(new BigDecimal("10"));
    assertThat(created.requiredConfirmations()).isEqualTo(CONFIRMATIONS);
    assertThat(await(invoices.create(newInvoice("10"))).payAmount()).isEqualTo(new BigDecimal("10.0001"));
    assertThat(await(invoices.create(first))).isEqualTo(created);
    assertThat(await(invoices.get(created.id()))).isEqualTo(created);
  }

  @Test
  void aTransferIsRoutedRecordedConfirmedAndFreesTheSlot() throws Exception {
    Invoice invoice = await(invoices.create(newInvoice("25.5")));
    Transfer transfer = transfer("0xpay", invoice.payAmount());

    TransferRoute route = observe(transfer);
    assertThat(route).isEqualTo(new TransferRoute(invoice.id()));
    assertThat(observe(transfer)).isEqualTo(route);
    assertThat(await(invoices.get(invoice.id())).payments()).hasSize(1);
    assertThat(await(invoices.get(invoice.id())).status()).isEqualTo(InvoiceStatus.CONFIRMING);

    assertThat(await(matcher.updateConfirmations(invoice.id(), transfer.key(), 2)).payments().get(0).confirmations())
        .isEqualTo(2);
    Invoice paid = await(matcher.confirm(invoice.id(), transfer.key(), CONFIRMATIONS));
    assertThat(paid.status()).isEqualTo(InvoiceStatus.PAID);
    assertThat(paid.amountPaid()).isEqualByComparingTo(invoice.payAmount());

    // The paid invoice gave its payAmount back at once.
    assertThat(await(invoices.create(newInvoice("25.5"))).payAmount()).isEqualTo(invoice.payAmount());
  }

  @Test
  void aTransferMatchingNothingIsKeptForTheMerchant() throws Exception {
    await(invoices.create(newInvoice("10")));
    Transfer stray = transfer("0xstray", new BigDecimal("7"));
    assertThat(observe(stray).matched()).isFalse();
    assertThat(await(matcher.recordUnmatched(stray))).isEqualTo(Done.getInstance());
    assertThat(await(matcher.recordUnmatched(stray))).isEqualTo(Done.getInstance());
  }

  @Test
  void aCancelledInvoiceKeepsItsPayAmountAndCanBePaidLate() throws Exception {
    Invoice invoice = await(invoices.create(newInvoice("10")));
    Invoice cancelled = await(invoices.cancel(invoice.id()));
    assertThat(cancelled.status()).isEqualTo(InvoiceStatus.CANCELLED);
    assertThat(await(invoices.create(newInvoice("10"))).payAmount()).isEqualTo(new BigDecimal("10.0001"));

    CLOCK.advance(Duration.ofMinutes(20));
    Transfer late = transfer("0xlate", invoice.payAmount());
    assertThat(observe(late)).isEqualTo(new TransferRoute(invoice.id()));
    Invoice paid = await(matcher.confirm(invoice.id(), late.key(), CONFIRMATIONS));
    assertThat(paid.status()).isEqualTo(InvoiceStatus.PAID);
    assertThat(paid.paidLate()).isTrue();
  }

  @Test
  void anInvoiceExpiresWhenDueAndIsPaidLate() throws Exception {
    Invoice invoice = await(invoices.create(newInvoice("10")));
    assertThat(await(invoices.expire(invoice.id())).status()).isEqualTo(InvoiceStatus.PENDING);
    CLOCK.set(invoice.expiresAt());
    assertThat(await(invoices.expire(invoice.id())).status()).isEqualTo(InvoiceStatus.EXPIRED);

    CLOCK.advance(Duration.ofMinutes(30));
    Transfer late = transfer("0xlate", invoice.payAmount());
    assertThat(await(matcher.observeAll(List.of(late), t -> CONFIRMATIONS)))
        .containsExactly(new Observation.Recorded(late, new TransferRoute(invoice.id())));
    Invoice paid = await(matcher.confirm(invoice.id(), late.key(), CONFIRMATIONS));
    assertThat(paid.paidLate()).isTrue();
  }

  @Test
  void refusalsArriveAsStatusReplyErrors() {
    UUID missing = UUID.randomUUID();
    assertThatThrownBy(() -> await(invoices.get(missing)))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(StatusReply.ErrorMessage.class).hasMessageContaining("not found");
    assertThatThrownBy(() -> await(invoices.cancel(missing)))
        .cause().isInstanceOf(StatusReply.ErrorMessage.class);
  }
}
