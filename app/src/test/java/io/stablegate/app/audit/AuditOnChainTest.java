package io.stablegate.app.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.chain.evm.Anvil;
import io.stablegate.chain.evm.EvmChain;
import io.stablegate.chain.tron.FakeTronChain;
import io.stablegate.chain.tron.FakeTronNode;
import io.stablegate.engine.chain.EvmAddress;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.chain.TronAddress;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceEvent;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCreated;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePaid;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmed;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentDetected;
import io.stablegate.engine.invoice.InvoiceState;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import io.stablegate.engine.payment.PaymentMatcher;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * {@code audit verify --onchain} against a real anvil with a real ERC-20 (and a fake Tron gRPC node):
 * a journal the real engine wrote for a payment that is really on chain verifies clean; a credited
 * transfer whose transaction does not exist, or that moved another amount, fails naming the
 * invoice's PaymentConfirmed event; so does the real payment after a reorganisation removed it. A
 * dead endpoint ends with exit code 4, a disabled chain is reported NOT CHECKED.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditOnChainTest {
  private static final int DECIMALS = 6;

  private static Anvil anvil;
  private static EvmChain evm;
  private static String token;
  /** Taken before the paid invoice's transfer: reverting to it is the reorganisation. */
  private static String beforePayment;
  private static final String wallet = EvmChain.newWallet();
  private static final UUID merchant = UUID.randomUUID();
  private static DbCoordinates journal;
  private static Invoice paid;

  @BeforeAll
  static void payAnInvoiceOnChain() throws Exception {
    anvil = Anvil.start();
    evm = new EvmChain(anvil.url());
    token = evm.deployToken(DECIMALS);
    journal = TestDatabase.fresh();
    try (TestNode node = new TestNode(journal, ConfigFactory.parseString("stablegate.ask-timeout = 30s"))) {
      PaymentMatcher matcher = new PaymentMatcher(node.system());
      paid = get(node.invoices().create(new NewInvoice(UUID.randomUUID(), new InvoiceTerms(merchant, Chain.ETHEREUM,
          wallet, new BigDecimal("10.5"), "order-1", "on-chain audit", "{}",
          Instant.now().plus(Duration.ofHours(1))))));
      beforePayment = evm.snapshot();
      Transfer transfer = sent(evm.transfer(token, wallet, Amounts.toBaseUnits(paid.payAmount(), DECIMALS)));
      get(matcher.observeAll(List.of(transfer), t -> 1));
      paid = get(matcher.confirm(paid.id(), transfer.key(), 12));
      assertThat(paid.status()).isEqualTo(InvoiceStatus.PAID);
    }
  }

  @AfterAll
  static void stopChain() {
    if (evm != null) {
      evm.close();
    }
    if (anvil != null) {
      anvil.close();
    }
  }

  @Test
  @Order(1)
  void aPaymentThatIsOnChainVerifiesClean() {
    AuditCommandTest.Outcome outcome = audit(journal, chains(anvil.url()), "verify", "--onchain");
    assertThat(outcome.exitCode()).as(outcome.out() + outcome.err()).isZero();
    assertThat(outcome.out())
        .contains("on chain ETHEREUM      1 final transfers re-read, 1 as recorded, 0 not")
        .contains("every final transfer re-read is on chain as recorded");
    // The same journal without --onchain says the chain was not looked at.
    assertThat(audit(journal, chains(anvil.url()), "verify").out())
        .contains("on chain               not checked");
  }

  @Test
  @Order(2)
  void aCreditedTransactionThatDoesNotExistIsNamed() throws Exception {
    DbCoordinates copy = copyOfJournal();
    byte[] tx = new byte[32];
    new java.security.SecureRandom().nextBytes(tx);
    long head = evm.head();
    Transfer phantom = new Transfer(Chain.ETHEREUM, "0x" + HexFormat.of().formatHex(tx), 0,
        EvmChain.newWallet(), wallet, new BigDecimal("20.0001"), head, evm.blockHash(head).toLowerCase(),
        Instant.now());
    String forged = forgePaidInvoice(copy, phantom);
    AuditCommandTest.Outcome outcome = audit(copy, chains(anvil.url()), "verify", "--onchain");
    assertThat(outcome.exitCode()).as(outcome.out()).isEqualTo(AuditCommand.VIOLATION);
    assertThat(outcome.out())
        .contains("VIOLATION at " + forged + " sequence number 3: final transfer")
        .contains("is not on chain: the node knows no mined transaction " + phantom.txHash())
        .contains("2 final transfers re-read, 1 as recorded, 1 not");
  }

  @Test
  @Order(3)
  void aCreditOfAnotherAmountThanTheChainMovedIsNamed() throws Exception {
    DbCoordinates copy = copyOfJournal();
    // Really sent: 7 USDT. The forged invoice says the same transaction paid it 9.5.
    Transfer real = sent(evm.transfer(token, wallet, Amounts.toBaseUnits(new BigDecimal("7"), DECIMALS)));
    Transfer claimed = new Transfer(real.chain(), real.txHash(), real.logIndex(), real.from(), real.to(),
        new BigDecimal("9.5"), real.blockNumber(), real.blockHash(), real.blockTime());
    String forged = forgePaidInvoice(copy, claimed);
    AuditCommandTest.Outcome outcome = audit(copy, chains(anvil.url()), "verify", "--onchain");
    assertThat(outcome.exitCode()).as(outcome.out()).isEqualTo(AuditCommand.VIOLATION);
    assertThat(outcome.out())
        .contains("VIOLATION at " + forged + " sequence number 3: final transfer")
        .contains("on chain it moves 7 (7000000 base units, 6 decimals)");
  }

  @Test
  @Order(5)
  void aDeadEndpointEndsWithItsOwnExitCode() throws Exception {
    String dead = "http://127.0.0.1:" + Anvil.freePort();
    AuditCommandTest.Outcome outcome = audit(journal, chains(dead), "verify", "--onchain");
    assertThat(outcome.exitCode()).as(outcome.out() + outcome.err()).isEqualTo(AuditCommand.CHAIN_UNREACHABLE);
    assertThat(outcome.out()).contains("on chain ETHEREUM      UNREACHABLE: 0 of 1 final transfers re-read");
    assertThat(outcome.err()).contains("ETHEREUM unreachable: every endpoint failed, the last " + dead);
  }

  @Test
  @Order(6)
  void aDisabledChainIsNotCheckedAndSaysSo() {
    Config disabled = ConfigFactory.parseMap(Map.of("stablegate.chains.ethereum.enabled", false))
        .withFallback(chains(anvil.url()));
    AuditCommandTest.Outcome outcome = audit(journal, disabled, "verify", "--onchain");
    assertThat(outcome.exitCode()).as(outcome.out()).isZero();
    assertThat(outcome.out())
        .contains("on chain ETHEREUM      NOT CHECKED: 1 final transfers (STABLEGATE_ETHEREUM_ENABLED is false)");
  }

  @Test
  @Order(7)
  void aPaymentTheChainReorganisedAwayIsNamed() throws Exception {
    // The payment's block and everything after it leave the chain; the new branch is longer.
    evm.revert(beforePayment);
    evm.mine(20);
    String persistenceId = EngineJournal.persistenceId(paid);
    // Webhook delivery attempts are journaled as they come, so the confirmation's place varies.
    long confirmed;
    try (JournalRows rows = new JournalRows(journal)) {
      confirmed = rows.seqNrOf(persistenceId, PaymentConfirmed.class);
    }
    AuditCommandTest.Outcome outcome = audit(journal, chains(anvil.url()), "verify", "--onchain");
    assertThat(outcome.exitCode()).as(outcome.out()).isEqualTo(AuditCommand.VIOLATION);
    assertThat(outcome.out()).contains("VIOLATION at " + persistenceId + " sequence number " + confirmed + ": "
        + "final transfer").contains("is not on chain");
  }

  @Test
  @Order(4)
  void aUsdcInvoiceCreditedWithAUsdtTransferIsNamed() throws Exception {
    DbCoordinates copy = copyOfJournal();
    // Really sent: 8 USDT. The forged invoice is in USDC and says that transfer paid it.
    Transfer real = sent(evm.transfer(token, wallet, Amounts.toBaseUnits(new BigDecimal("8"), DECIMALS)));
    String forged = forgePaidInvoice(copy, real, Token.USDC);
    AuditCommandTest.Outcome outcome = audit(copy, chains(anvil.url()), "verify", "--onchain");
    assertThat(outcome.exitCode()).as(outcome.out()).isEqualTo(AuditCommand.VIOLATION);
    assertThat(outcome.out())
        .contains("VIOLATION at " + forged + " sequence number 3: final transfer")
        .containsIgnoringCase("on chain it moves USDT (" + token + "), but the invoice is in USDC");
  }

  @Test
  void tronTransfersAreReadBackByTransactionId() throws Exception {
    TronAddress usdt = FakeTronChain.newAddress();
    FakeTronChain tron = new FakeTronChain(usdt, DECIMALS, 1_000);
    TronAddress merchantWallet = FakeTronChain.newAddress();
    FakeTronChain.Tx tx = FakeTronChain.transfer(usdt, FakeTronChain.newAddress(), merchantWallet,
        BigInteger.valueOf(12_345_678));
    long block = tron.mine(List.of(tx));
    tron.mineEmpty(20);
    String blockId = HexFormat.of().formatHex(tron.block(block).orElseThrow().id().toByteArray());
    try (FakeTronNode node = new FakeTronNode(tron)) {
      DbCoordinates db = TestDatabase.fresh();
      io.stablegate.persistence.db.Database.migrate(db);
      Transfer real = new Transfer(Chain.TRON, tx.txid(), 0, FakeTronChain.newAddress().value(),
          merchantWallet.value(), new BigDecimal("12.345678"), block, blockId, Instant.now());
      String good = forgePaidInvoice(db, real);
      Config config = ConfigFactory.parseMap(Map.of(
              "stablegate.chains.tron.grpc-endpoints", node.endpoint(),
              "stablegate.chains.tron.usdt-contract", usdt.value(),
              "stablegate.chains.ethereum.enabled", false,
              "stablegate.chains.bsc.enabled", false))
          .withFallback(ConfigFactory.load());
      AuditCommandTest.Outcome clean = audit(db, config, "verify", "--onchain");
      assertThat(clean.exitCode()).as(clean.out() + clean.err()).isZero();
      assertThat(clean.out()).contains("on chain TRON          1 final transfers re-read, 1 as recorded, 0 not");

      byte[] missing = new byte[32];
      new java.security.SecureRandom().nextBytes(missing);
      Transfer phantom = new Transfer(Chain.TRON, HexFormat.of().formatHex(missing), 0,
          FakeTronChain.newAddress().value(), merchantWallet.value(), new BigDecimal("3"), block, blockId,
          Instant.now());
      String forged = forgePaidInvoice(db, phantom);
      AuditCommandTest.Outcome broken = audit(db, config, "verify", "--onchain");
      assertThat(broken.exitCode()).as(broken.out()).isEqualTo(AuditCommand.VIOLATION);
      assertThat(broken.out()).contains("VIOLATION at " + forged + " sequence number 3: final transfer")
          .contains("is not on chain");
      assertThat(good).isNotEqualTo(forged);
    }
  }

  /** Chain access to {@code ethereumUrl} for the test token; Tron and BSC disabled. */
  private static Config chains(String ethereumUrl) {
    return ConfigFactory.parseMap(Map.of(
            "stablegate.chains.ethereum.rpc-urls", ethereumUrl,
            "stablegate.chains.ethereum.chain-id", 31337,
            "stablegate.chains.ethereum.usdt-contract", token,
            "stablegate.chains.tron.enabled", false,
            "stablegate.chains.bsc.enabled", false,
            "stablegate.chain-watcher.rpc-timeout", "5s"))
        .withFallback(ConfigFactory.load());
  }

  private static AuditCommandTest.Outcome audit(DbCoordinates db, Config config, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 6];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(new String[] {"--db", db.url(), "--db-user", db.user(), "--db-password", db.password()}, 0,
        all, args.length, 6);
    int code = new AuditCommand(config, out, err).run(all);
    return new AuditCommandTest.Outcome(code, out.toString(), err.toString());
  }

  /** The Transfer log of a mined token transfer, as the watcher reads it. */
  private static Transfer sent(TransactionReceipt receipt) throws Exception {
    Log log = receipt.getLogs().get(0);
    long block = receipt.getBlockNumber().longValueExact();
    Instant time = Instant.ofEpochSecond(evm.web3j().ethGetBlockByNumber(
        DefaultBlockParameter.valueOf(receipt.getBlockNumber()), false).send().getBlock().getTimestamp()
        .longValueExact());
    return new Transfer(Chain.ETHEREUM, receipt.getTransactionHash().toLowerCase(), log.getLogIndex().intValueExact(),
        EvmAddress.fromBytes(HexFormat.of().parseHex(log.getTopics().get(1).substring(2))).value(),
        EvmAddress.fromBytes(HexFormat.of().parseHex(log.getTopics().get(2).substring(2))).value(),
        Amounts.fromBaseUnits(new BigInteger(log.getData().substring(2), 16), DECIMALS), block,
        receipt.getBlockHash().toLowerCase(), time);
  }

  /**
   * Appends an invoice paid by {@code transfer}, every event linked by hash as the engine links
   * them: consistent in itself, so only the chain can tell. Its PaymentConfirmed is event 3.
   */
  private static String forgePaidInvoice(DbCoordinates db, Transfer transfer) throws Exception {
    return forgePaidInvoice(db, transfer, Token.USDT);
  }

  private static String forgePaidInvoice(DbCoordinates db, Transfer transfer, Token token) throws Exception {
    UUID id = UUID.randomUUID();
    Instant at = Instant.now();
    List<InvoiceEvent> events = List.of(
        new InvoiceCreated(id, merchant, transfer.chain(), transfer.to(), transfer.amount(), transfer.amount(),
            "forged", "forged", "{}", at.plusSeconds(1800), 12, null, null, null, null,
            token == Token.USDT ? null : token, at, null, null, null, null),
        new PaymentDetected(id, transfer, 1, UUID.randomUUID(), at, null),
        new PaymentConfirmed(id, transfer.txHash(), transfer.logIndex(), 12, at, null),
        new InvoicePaid(id, transfer.amount(), false, UUID.randomUUID(), at, null));
    String persistenceId = InvoiceReplay.PERSISTENCE_ID_PREFIX + id;
    try (JournalRows rows = new JournalRows(db); Connection c = rows.connect()) {
      InvoiceState state = new InvoiceState.Empty();
      long seqNr = 0;
      for (InvoiceEvent unlinked : events) {
        InvoiceEvent event = AuditBenchmark.link(unlinked, state.lastHash());
        state = state.apply(event);
        rows.append(c, persistenceId, ++seqNr, event);
      }
    }
    return persistenceId;
  }

  private static DbCoordinates copyOfJournal() throws Exception {
    return EngineJournal.copyOf(journal);
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get();
  }
}
