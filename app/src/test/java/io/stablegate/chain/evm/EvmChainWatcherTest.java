package io.stablegate.chain.evm;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.chain.Checkpoint;
import io.stablegate.chain.EngineHarness;
import io.stablegate.chain.WatcherCommand;
import io.stablegate.chain.WatcherSettings;
import io.stablegate.engine.chain.Transfer;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** The EVM watcher against a real anvil node and a real ERC-20, through the real engine entities. */
class EvmChainWatcherTest {
  private static final int CONFIRMATIONS = 4;

  private static Anvil anvil;
  private static EvmChain chain;
  private static String usdt6;
  private static String otherToken;

  private EngineHarness engine;

  @BeforeAll
  static void startAnvil() throws Exception {
    anvil = Anvil.start();
    chain = new EvmChain(anvil.url());
    usdt6 = chain.deployToken(6);
    otherToken = chain.deployToken(6);
  }

  @AfterAll
  static void stopAnvil() {
    if (chain != null) {
      chain.close();
    }
    if (anvil != null) {
      anvil.close();
    }
  }

  @AfterEach
  void stopEngine() {
    if (engine != null) {
      engine.close();
    }
  }

  private EngineHarness engine(Chain network, String rpcUrls, String token, long startBlock, String extra) {
    String key = network.configKey();
    engine = new EngineHarness(ConfigFactory.parseString("stablegate.chains." + key + " {\n"
        + "  rpc-urls = \"" + rpcUrls + "\"\n"
        + "  chain-id = 31337\n"
        + "  usdt-contract = \"" + token + "\"\n"
        + "  start-block = \"" + startBlock + "\"\n"
        + "  poll-interval-ms = 50\n"
        + "  confirmations = " + CONFIRMATIONS + "\n"
        + "}\n" + extra));
    return engine;
  }

  private EngineHarness ethereum(String rpcUrls, long startBlock) {
    return engine(Chain.ETHEREUM, rpcUrls, usdt6, startBlock, "");
  }

  private static BigInteger units(Invoice invoice, int decimals) {
    return Amounts.toBaseUnits(invoice.payAmount(), decimals);
  }

  @Test
  void paysAtExactlyTheRequiredConfirmationsAndIgnoresOtherTransfers() {
    ethereum(anvil.url(), chain.head() + 1);
    String wallet = EvmChain.newWallet();
    engine.watch(wallet);
    Invoice invoice = engine.createInvoice(Chain.ETHEREUM, wallet, "10.5");
    engine.startWatcher(engine.settings(Chain.ETHEREUM));

    chain.transfer(usdt6, EvmChain.newWallet(), units(invoice, 6));          // another address
    chain.transfer(otherToken, wallet, units(invoice, 6));                   // another token
    chain.transfer(usdt6, wallet, units(invoice, 6).add(BigInteger.ONE));    // another amount: unmatched
    TransactionReceipt paid = chain.transfer(usdt6, wallet, units(invoice, 6));
    long block = paid.getBlockNumber().longValueExact();

    chain.mine(CONFIRMATIONS - 2); // the payment now has CONFIRMATIONS - 1
    engine.awaitScanned(Chain.ETHEREUM, block + CONFIRMATIONS - 2);
    Invoice confirming = engine.invoice(invoice.id());
    assertThat(confirming.status()).isEqualTo(InvoiceStatus.CONFIRMING);
    assertThat(confirming.payments()).singleElement().satisfies(p -> {
      assertThat(p.txHash()).isEqualTo(paid.getTransactionHash());
      assertThat(p.status()).isEqualTo(PaymentStatus.CONFIRMING);
      assertThat(p.confirmations()).isEqualTo(CONFIRMATIONS - 1);
    });

    chain.mine(1);
    Awaitility.await().atMost(EngineHarness.PATIENCE)
        .until(() -> engine.invoice(invoice.id()).status() == InvoiceStatus.PAID);
    Invoice done = engine.invoice(invoice.id());
    assertThat(done.amountPaid()).isEqualByComparingTo(invoice.payAmount());
    assertThat(done.payments()).singleElement().satisfies(p -> {
      assertThat(p.confirmations()).isEqualTo(CONFIRMATIONS);
      assertThat(p.blockNumber()).isEqualTo(block);
    });

    // The unmatched transfer became final too and left the checkpoint; the ledger keeps its answers.
    engine.awaitScanned(Chain.ETHEREUM, block + CONFIRMATIONS - 1);
    Awaitility.await().atMost(EngineHarness.PATIENCE).until(() -> engine.checkpoint(Chain.ETHEREUM).pending().isEmpty());
    int logIndex = paid.getLogs().get(0).getLogIndex().intValueExact();
    Transfer paying = new Transfer(Chain.ETHEREUM, paid.getTransactionHash(), logIndex, "", wallet,
        invoice.payAmount(), block, "", done.payments().get(0).detectedAt());
    assertThat(engine.route(paying).invoiceId()).isEqualTo(invoice.id());
  }

  @Test
  void twoTransfersInOneBlockPayTwoInvoices() {
    ethereum(anvil.url(), chain.head() + 1);
    String wallet = EvmChain.newWallet();
    engine.watch(wallet);
    Invoice first = engine.createInvoice(Chain.ETHEREUM, wallet, "7");
    Invoice second = engine.createInvoice(Chain.ETHEREUM, wallet, "7"); // gets payAmount 7.0001
    assertThat(second.payAmount()).isNotEqualByComparingTo(first.payAmount());
    engine.startWatcher(engine.settings(Chain.ETHEREUM));

    chain.automine(false);
    List<String> hashes;
    try {
      hashes = chain.transfersPending(usdt6, List.of(wallet, wallet), List.of(units(second, 6), units(first, 6)));
      chain.mine(1);
    } finally {
      chain.automine(true);
    }
    long block = chain.receipt(hashes.get(0)).getBlockNumber().longValueExact();
    assertThat(chain.receipt(hashes.get(1)).getBlockNumber().longValueExact()).isEqualTo(block);

    chain.mine(CONFIRMATIONS - 1);
    Awaitility.await().atMost(EngineHarness.PATIENCE).until(() ->
        engine.invoice(first.id()).status() == InvoiceStatus.PAID
            && engine.invoice(second.id()).status() == InvoiceStatus.PAID);
    assertThat(engine.invoice(first.id()).payments()).singleElement()
        .extracting(Payment::txHash).isEqualTo(hashes.get(1));
    assertThat(engine.invoice(second.id()).payments()).singleElement()
        .extracting(Payment::txHash).isEqualTo(hashes.get(0));
  }

  @Test
  void aRangeHandedOverAgainAfterTheCheckpointWasLostCreditsNothingTwice() {
    ethereum(anvil.url(), chain.head() + 1);
    String wallet = EvmChain.newWallet();
    engine.watch(wallet);
    List<Invoice> invoices = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      invoices.add(engine.createInvoice(Chain.ETHEREUM, wallet, "9"));
    }
    ActorRef<WatcherCommand> watcher = engine.startWatcher(engine.settings(Chain.ETHEREUM));

    // Four payments to one wallet in one block: one batch for its ledger, four invoices told.
    chain.automine(false);
    List<String> hashes;
    try {
      hashes = chain.transfersPending(usdt6, List.of(wallet, wallet, wallet, wallet),
          invoices.reversed().stream().map(i -> units(i, 6)).toList());
      chain.mine(1);
    } finally {
      chain.automine(true);
    }
    long block = chain.receipt(hashes.get(0)).getBlockNumber().longValueExact();
    assertThat(hashes).allSatisfy(h -> assertThat(chain.receipt(h).getBlockNumber().longValueExact()).isEqualTo(block));
    engine.awaitScanned(Chain.ETHEREUM, block);
    Awaitility.await().atMost(EngineHarness.PATIENCE).until(() ->
        invoices.stream().allMatch(i -> engine.invoice(i.id()).status() == InvoiceStatus.CONFIRMING));
    engine.stopWatcher(watcher);
    engine.forgetCheckpoint(Chain.ETHEREUM);

    // The restarted watcher scans the same blocks and hands the same batch over again (the transfers
    // not final yet were in the lost checkpoint: only that can make it tell the invoices they are final).
    engine.startWatcher(engine.settings(Chain.ETHEREUM));
    chain.mine(CONFIRMATIONS - 1);
    Awaitility.await().atMost(EngineHarness.PATIENCE).until(() ->
        invoices.stream().allMatch(i -> engine.invoice(i.id()).status() == InvoiceStatus.PAID));
    for (int i = 0; i < invoices.size(); i++) {
      Invoice paid = engine.invoice(invoices.get(i).id());
      assertThat(paid.payments()).singleElement().extracting(Payment::txHash)
          .isEqualTo(hashes.get(invoices.size() - 1 - i));
      assertThat(paid.amountPaid()).isEqualByComparingTo(invoices.get(i).payAmount());
    }
  }

  @Test
  void aReorgBeforeFinalityRevertsThePayment() {
    ethereum(anvil.url(), chain.head() + 1);
    String wallet = EvmChain.newWallet();
    engine.watch(wallet);
    Invoice invoice = engine.createInvoice(Chain.ETHEREUM, wallet, "3.25");
    engine.startWatcher(engine.settings(Chain.ETHEREUM));

    String snapshot = chain.snapshot();
    long paidIn = chain.transfer(usdt6, wallet, units(invoice, 6)).getBlockNumber().longValueExact();
    chain.mine(1);
    engine.awaitScanned(Chain.ETHEREUM, paidIn + 1);
    assertThat(engine.invoice(invoice.id()).status()).isEqualTo(InvoiceStatus.CONFIRMING);

    chain.revert(snapshot);
    // A different, longer chain without the payment: one transfer elsewhere makes its blocks differ.
    chain.transfer(usdt6, EvmChain.newWallet(), BigInteger.ONE);
    chain.mine(CONFIRMATIONS + 2);
    long head = chain.head();
    engine.awaitScanned(Chain.ETHEREUM, head);
    Awaitility.await().atMost(EngineHarness.PATIENCE)
        .until(() -> engine.invoice(invoice.id()).status() == InvoiceStatus.PENDING);
    assertThat(engine.invoice(invoice.id()).payments()).isEmpty();
    assertThat(engine.status(Chain.ETHEREUM).orElseThrow().deepReorg()).isFalse();
  }

  @Test
  void aStoppedWatcherCatchesUpOnEveryMissedBlockAndResumesWithoutCreditingTwice() {
    ethereum(anvil.url(), chain.head() + 1);
    String wallet = EvmChain.newWallet();
    engine.watch(wallet);
    Invoice early = engine.createInvoice(Chain.ETHEREUM, wallet, "20");
    List<Invoice> missed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      missed.add(engine.createInvoice(Chain.ETHEREUM, wallet, "21"));
    }
    ActorRef<WatcherCommand> watcher = engine.startWatcher(engine.settings(Chain.ETHEREUM));

    long earlyBlock = chain.transfer(usdt6, wallet, units(early, 6)).getBlockNumber().longValueExact();
    engine.awaitScanned(Chain.ETHEREUM, earlyBlock);
    Awaitility.await().atMost(EngineHarness.PATIENCE)
        .until(() -> engine.invoice(early.id()).status() == InvoiceStatus.CONFIRMING);
    Awaitility.await().atMost(EngineHarness.PATIENCE)
        .until(() -> engine.checkpoint(Chain.ETHEREUM).pending().size() == 1);
    engine.stopWatcher(watcher);

    // 50 blocks while nobody watches, with payments spread over them.
    for (Invoice invoice : missed) {
      chain.mine(15);
      chain.transfer(usdt6, wallet, units(invoice, 6));
    }
    chain.mine(CONFIRMATIONS); // 52 blocks in all, the last payment exactly final
    long head = chain.head();

    engine.startWatcher(engine.settings(Chain.ETHEREUM));
    engine.awaitScanned(Chain.ETHEREUM, head);
    Awaitility.await().atMost(EngineHarness.PATIENCE).until(() ->
        engine.invoice(early.id()).status() == InvoiceStatus.PAID
            && missed.stream().allMatch(i -> engine.invoice(i.id()).status() == InvoiceStatus.PAID));
    for (Invoice invoice : missed) {
      assertThat(engine.invoice(invoice.id()).payments()).hasSize(1);
    }
    Invoice earlyDone = engine.invoice(early.id());
    assertThat(earlyDone.payments()).hasSize(1);
    assertThat(earlyDone.amountPaid()).isEqualByComparingTo(early.payAmount());

    // Every block from the first scanned one to the head is in the checkpoint's history, in order.
    Awaitility.await().atMost(EngineHarness.PATIENCE)
        .until(() -> engine.checkpoint(Chain.ETHEREUM).scanned() >= head);
    Checkpoint checkpoint = engine.checkpoint(Chain.ETHEREUM);
    List<Long> numbers = checkpoint.recent().stream().map(b -> b.number()).toList();
    for (int i = 1; i < numbers.size(); i++) {
      assertThat(numbers.get(i)).isEqualTo(numbers.get(i - 1) + 1);
      assertThat(checkpoint.recent().get(i).parentHash()).isEqualTo(checkpoint.recent().get(i - 1).hash());
    }
  }

  @Test
  void shrinksTheLogRangeAndReadsHeadersSinglyWhenTheProviderRefuses() throws Exception {
    try (RpcProxy picky = new RpcProxy(anvil.url(), 5, true)) {
      long start = chain.head() + 1;
      ethereum(picky.url(), start);
      String wallet = EvmChain.newWallet();
      engine.watch(wallet);
      List<Invoice> invoices = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        invoices.add(engine.createInvoice(Chain.ETHEREUM, wallet, "5"));
      }
      for (Invoice invoice : invoices) {
        chain.mine(10);
        chain.transfer(usdt6, wallet, units(invoice, 6));
      }
      chain.mine(20);
      long head = chain.head();

      engine.startWatcher(engine.settings(Chain.ETHEREUM));
      engine.awaitScanned(Chain.ETHEREUM, head);
      Awaitility.await().atMost(EngineHarness.PATIENCE).until(() ->
          invoices.stream().allMatch(i -> engine.invoice(i.id()).status() == InvoiceStatus.PAID));
      assertThat(picky.refused()).isPositive();
    }
  }

  @Test
  void failsOverToTheNextEndpointWhenOneDies() throws Exception {
    RpcProxy first = new RpcProxy(anvil.url(), 10_000);
    try {
      ethereum(first.url() + "," + anvil.url(), chain.head() + 1);
      String wallet = EvmChain.newWallet();
      engine.watch(wallet);
      Invoice invoice = engine.createInvoice(Chain.ETHEREUM, wallet, "9.99");
      engine.startWatcher(engine.settings(Chain.ETHEREUM));
      chain.mine(1);
      engine.awaitScanned(Chain.ETHEREUM, chain.head());
      assertThat(engine.status(Chain.ETHEREUM).orElseThrow().endpoint()).isEqualTo(first.url().replaceAll("/$", ""));

      first.close();
      long block = chain.transfer(usdt6, wallet, units(invoice, 6)).getBlockNumber().longValueExact();
      chain.mine(CONFIRMATIONS - 1);
      Awaitility.await().atMost(EngineHarness.PATIENCE)
          .until(() -> engine.invoice(invoice.id()).status() == InvoiceStatus.PAID);
      assertThat(engine.invoice(invoice.id()).payments()).singleElement()
          .extracting(Payment::blockNumber).isEqualTo(block);
      Awaitility.await().atMost(EngineHarness.PATIENCE).until(() ->
          engine.status(Chain.ETHEREUM).orElseThrow().endpoint().equals(anvil.url()));
    } finally {
      first.close();
    }
  }

  @Test
  void anEndpointOnAnotherChainIdIsRefused() {
    engine(Chain.ETHEREUM, anvil.url(), usdt6, chain.head() + 1, "stablegate.chains.ethereum.chain-id = 1");
    engine.startWatcher(engine.settings(Chain.ETHEREUM));
    Awaitility.await().atMost(EngineHarness.PATIENCE).until(() -> engine.status(Chain.ETHEREUM)
        .map(s -> s.lastError() != null && s.lastError().contains("chain id")).orElse(false));
    assertThat(engine.status(Chain.ETHEREUM).orElseThrow().scanned()).isEqualTo(-1);
  }

  @Test
  void bscTokenWithEighteenDecimalsThroughTheClusterSingleton() {
    String usdt18 = chain.deployToken(18);
    // the node's own BSC watcher singleton, as StablegateNode starts it, fed the merchants' wallets
    engine(Chain.BSC, anvil.url(), usdt18, chain.head() + 1, """
        stablegate.chains.bsc.enabled = true
        """);
    String wallet = EvmChain.newWallet();
    engine.registerWallet(Chain.BSC, wallet);
    Invoice invoice = engine.createInvoice(Chain.BSC, wallet, "10.5");

    chain.transfer(usdt18, wallet, units(invoice, 18));
    chain.mine(CONFIRMATIONS - 1);
    Awaitility.await().atMost(EngineHarness.PATIENCE)
        .until(() -> engine.invoice(invoice.id()).status() == InvoiceStatus.PAID);
    assertThat(engine.invoice(invoice.id()).amountPaid()).isEqualByComparingTo(invoice.payAmount());
    WatcherSettings settings = engine.settings(Chain.BSC);
    assertThat(settings.confirmations()).isEqualTo(CONFIRMATIONS);
  }
}
