package io.stablegate.chain.tron;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.chain.EngineHarness;
import io.stablegate.chain.WatcherCommand;
import io.stablegate.chain.tron.FakeTronChain.Tx;
import io.stablegate.engine.chain.TronAddress;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.Payment;
import io.stablegate.engine.invoice.PaymentStatus;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Tron watcher, through trident, against imitation full nodes that speak real gRPC. */
class TronChainWatcherTest {
  private static final int CONFIRMATIONS = 4;
  private static final String API_KEY = "test-key-never-logged";

  private FakeTronChain chain;
  private final List<FakeTronNode> nodes = new ArrayList<>();
  private EngineHarness engine;
  private final TronAddress payer = FakeTronChain.newAddress();

  @BeforeEach
  void startChain() {
    chain = new FakeTronChain(FakeTronChain.newAddress(), 6, 70_000_000L);
  }

  @AfterEach
  void stopAll() throws Exception {
    if (engine != null) {
      engine.close();
    }
    for (FakeTronNode node : nodes) {
      node.close();
    }
  }

  private FakeTronNode node() throws Exception {
    FakeTronNode node = new FakeTronNode(chain);
    nodes.add(node);
    return node;
  }

  private void engine(String endpoints, long startBlock) {
    engine = new EngineHarness(ConfigFactory.parseString("""
        stablegate.chains.tron {
          grpc-endpoints = "%s"
          api-key = "%s"
          usdt-contract = "%s"
          start-block = "%d"
          poll-interval-ms = 50
          confirmations = %d
        }
        """.formatted(endpoints, API_KEY, chain.usdt().value(), startBlock, CONFIRMATIONS)));
  }

  private Tx pay(Invoice invoice, TronAddress wallet) {
    return FakeTronChain.transfer(chain.usdt(), payer, wallet, Amounts.toBaseUnits(invoice.payAmount(), 6));
  }

  private void awaitStatus(Invoice invoice, InvoiceStatus status) {
    Awaitility.await().atMost(EngineHarness.PATIENCE).until(() -> engine.invoice(invoice.id()).status() == status);
  }

  @Test
  void paysAtExactlyTheRequiredConfirmationsAndIgnoresEverythingElse() throws Exception {
    FakeTronNode node = node();
    engine(node.endpoint(), chain.headNumber() + 1);
    TronAddress wallet = FakeTronChain.newAddress();
    engine.watch(wallet.value());
    Invoice invoice = engine.createInvoice(Chain.TRON, wallet.value(), "25.5");
    BigInteger units = Amounts.toBaseUnits(invoice.payAmount(), 6);
    engine.startWatcher(engine.settings(Chain.TRON));

    chain.mineEmpty(1);
    chain.mine(List.of(
        FakeTronChain.reverted(chain.usdt()),
        FakeTronChain.transfer(FakeTronChain.newAddress(), payer, wallet, units),      // another token
        FakeTronChain.transfer(chain.usdt(), payer, FakeTronChain.newAddress(), units) // another wallet
    ));
    Tx payment = pay(invoice, wallet);
    long block = chain.mine(List.of(payment));

    chain.mineEmpty(CONFIRMATIONS - 2);
    engine.awaitScanned(Chain.TRON, block + CONFIRMATIONS - 2);
    Invoice confirming = engine.invoice(invoice.id());
    assertThat(confirming.status()).isEqualTo(InvoiceStatus.CONFIRMING);
    assertThat(confirming.payments()).singleElement().satisfies(p -> {
      assertThat(p.txHash()).isEqualTo(payment.txid());
      assertThat(p.from()).isEqualTo(payer.value());
      assertThat(p.confirmations()).isEqualTo(CONFIRMATIONS - 1);
      assertThat(p.status()).isEqualTo(PaymentStatus.CONFIRMING);
    });

    chain.mineEmpty(1);
    awaitStatus(invoice, InvoiceStatus.PAID);
    assertThat(engine.invoice(invoice.id()).payments()).singleElement()
        .extracting(Payment::confirmations).isEqualTo(CONFIRMATIONS);
    assertThat(node.apiKeysSeen()).containsExactly(API_KEY);
  }

  @Test
  void replacedBlocksRevertAPaymentThatWasNotFinal() throws Exception {
    engine(node().endpoint(), chain.headNumber() + 1);
    TronAddress wallet = FakeTronChain.newAddress();
    engine.watch(wallet.value());
    Invoice invoice = engine.createInvoice(Chain.TRON, wallet.value(), "4");
    engine.startWatcher(engine.settings(Chain.TRON));

    long block = chain.mine(List.of(pay(invoice, wallet)));
    chain.mineEmpty(1);
    engine.awaitScanned(Chain.TRON, block + 1);
    assertThat(engine.invoice(invoice.id()).status()).isEqualTo(InvoiceStatus.CONFIRMING);

    chain.dropFrom(block);
    chain.mineEmpty(CONFIRMATIONS + 2);
    engine.awaitScanned(Chain.TRON, chain.headNumber());
    awaitStatus(invoice, InvoiceStatus.PENDING);
    assertThat(engine.invoice(invoice.id()).payments()).isEmpty();
  }

  @Test
  void catchesUpAfterAnOutageAndResumesFromItsCheckpoint() throws Exception {
    engine(node().endpoint(), chain.headNumber() + 1);
    TronAddress wallet = FakeTronChain.newAddress();
    engine.watch(wallet.value());
    Invoice early = engine.createInvoice(Chain.TRON, wallet.value(), "1");
    List<Invoice> missed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      missed.add(engine.createInvoice(Chain.TRON, wallet.value(), "2"));
    }
    ActorRef<WatcherCommand> watcher = engine.startWatcher(engine.settings(Chain.TRON));
    long earlyBlock = chain.mine(List.of(pay(early, wallet)));
    engine.awaitScanned(Chain.TRON, earlyBlock);
    awaitStatus(early, InvoiceStatus.CONFIRMING);
    engine.stopWatcher(watcher);

    for (Invoice invoice : missed) {
      chain.mineEmpty(15);
      chain.mine(List.of(pay(invoice, wallet)));
    }
    chain.mineEmpty(CONFIRMATIONS);

    engine.startWatcher(engine.settings(Chain.TRON));
    engine.awaitScanned(Chain.TRON, chain.headNumber());
    awaitStatus(early, InvoiceStatus.PAID);
    for (Invoice invoice : missed) {
      awaitStatus(invoice, InvoiceStatus.PAID);
      assertThat(engine.invoice(invoice.id()).payments()).hasSize(1);
    }
    assertThat(engine.invoice(early.id()).payments()).hasSize(1);
    assertThat(engine.invoice(early.id()).amountPaid()).isEqualByComparingTo(early.payAmount());
  }

  @Test
  void failsOverToTheSecondNodeWhenTheFirstDies() throws Exception {
    FakeTronNode first = node();
    FakeTronNode second = node();
    engine(first.endpoint() + "," + second.endpoint(), chain.headNumber() + 1);
    TronAddress wallet = FakeTronChain.newAddress();
    engine.watch(wallet.value());
    Invoice invoice = engine.createInvoice(Chain.TRON, wallet.value(), "3");
    engine.startWatcher(engine.settings(Chain.TRON));
    chain.mineEmpty(1);
    engine.awaitScanned(Chain.TRON, chain.headNumber());
    assertThat(engine.status(Chain.TRON).orElseThrow().endpoint()).isEqualTo(first.endpoint());

    first.close();
    chain.mine(List.of(pay(invoice, wallet)));
    chain.mineEmpty(CONFIRMATIONS - 1);
    awaitStatus(invoice, InvoiceStatus.PAID);
    Awaitility.await().atMost(EngineHarness.PATIENCE)
        .until(() -> engine.status(Chain.TRON).orElseThrow().endpoint().equals(second.endpoint()));
  }

  @Test
  void aReorgDeeperThanTheConfirmationDepthIsReportedAndAFinalPaymentStaysPaid() throws Exception {
    engine(node().endpoint(), chain.headNumber() + 1);
    TronAddress wallet = FakeTronChain.newAddress();
    engine.watch(wallet.value());
    Invoice invoice = engine.createInvoice(Chain.TRON, wallet.value(), "8");
    engine.startWatcher(engine.settings(Chain.TRON));

    long block = chain.mine(List.of(pay(invoice, wallet)));
    chain.mineEmpty(CONFIRMATIONS - 1);
    awaitStatus(invoice, InvoiceStatus.PAID);
    engine.awaitScanned(Chain.TRON, chain.headNumber());
    assertThat(engine.status(Chain.TRON).orElseThrow().deepReorg()).isFalse();

    chain.dropFrom(block);
    chain.mineEmpty(CONFIRMATIONS + 2);
    Awaitility.await().atMost(EngineHarness.PATIENCE)
        .until(() -> engine.status(Chain.TRON).orElseThrow().deepReorg());
    engine.awaitScanned(Chain.TRON, chain.headNumber());
    assertThat(engine.invoice(invoice.id()).status()).isEqualTo(InvoiceStatus.PAID);
  }
}
