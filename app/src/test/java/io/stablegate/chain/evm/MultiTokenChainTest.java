package io.stablegate.chain.evm;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.chain.EngineHarness;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import java.math.BigInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * USDT and USDC on one chain: a real anvil started with chain id 137 and configured as POLYGON (one of
 * the chains added by configuration alone), two real ERC-20 contracts, the real engine entities.
 */
class MultiTokenChainTest {
  private static final int CONFIRMATIONS = 4;
  private static final Chain POLYGON = Chain.valueOf("POLYGON");

  private static Anvil anvil;
  private static EvmChain chain;
  private static String usdt;
  private static String usdc;

  private EngineHarness engine;

  @BeforeAll
  static void startAnvil() throws Exception {
    anvil = Anvil.start(137);
    chain = new EvmChain(anvil.url(), 137);
    usdt = chain.deployToken(6);
    usdc = chain.deployToken(6);
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

  private EngineHarness engine(Chain network, String rpcUrls, String usdtContract, String usdcContract,
      String extra) {
    engine = new EngineHarness(ConfigFactory.parseString("stablegate.chains." + network.configKey() + " {\n"
        + "  rpc-urls = \"" + rpcUrls + "\"\n"
        + "  usdt-contract = \"" + usdtContract + "\"\n"
        + "  usdc-contract = \"" + usdcContract + "\"\n"
        + "  start-block = \"" + (chain.head() + 1) + "\"\n"
        + "  poll-interval-ms = 50\n"
        + "  confirmations = " + CONFIRMATIONS + "\n"
        + "}\n" + extra));
    return engine;
  }

  private static BigInteger units(Invoice invoice, int decimals) {
    return Amounts.toBaseUnits(invoice.payAmount(), decimals);
  }

  @Test
  void aUsdcTransferPaysTheUsdcInvoiceAndNeverTheUsdtInvoiceOfTheSameAmount() throws Exception {
    // Through a provider that refuses eth_getLogs over more than 3 blocks: the range is split.
    try (RpcProxy picky = new RpcProxy(anvil.url(), 3)) {
      engine(POLYGON, picky.url(), usdt, usdc, "");
      String wallet = EvmChain.newWallet();
      engine.watch(wallet);
      Invoice inUsdt = engine.createInvoice(POLYGON, Token.USDT, wallet, "10");
      Invoice inUsdc = engine.createInvoice(POLYGON, Token.USDC, wallet, "10");
      // payAmounts are unique per chain, token and wallet: both tokens' ledgers hand out the same amount.
      assertThat(inUsdc.payAmount()).isEqualByComparingTo(inUsdt.payAmount());
      assertThat(engine.settings(POLYGON).chainId()).isEqualTo(137);
      engine.startWatcher(engine.settings(POLYGON));

      chain.mine(5);
      long paid = chain.transfer(usdc, wallet, units(inUsdc, 6)).getBlockNumber().longValueExact();
      chain.mine(CONFIRMATIONS + 5);
      Awaitility.await().atMost(EngineHarness.PATIENCE)
          .until(() -> engine.invoice(inUsdc.id()).status() == InvoiceStatus.PAID);
      engine.awaitScanned(POLYGON, chain.head());
      assertThat(engine.invoice(inUsdc.id()).payments()).singleElement()
          .satisfies(p -> assertThat(p.blockNumber()).isEqualTo(paid));
      assertThat(engine.invoice(inUsdt.id()).status()).isEqualTo(InvoiceStatus.PENDING);
      assertThat(engine.invoice(inUsdt.id()).payments()).isEmpty();
      assertThat(picky.refused()).isPositive();
      assertThat(engine.status(POLYGON).orElseThrow().tokens())
          .containsEntry("USDT", "watching").containsEntry("USDC", "watching");

      // Its own transfer pays the USDT invoice.
      chain.transfer(usdt, wallet, units(inUsdt, 6));
      chain.mine(CONFIRMATIONS - 1);
      Awaitility.await().atMost(EngineHarness.PATIENCE)
          .until(() -> engine.invoice(inUsdt.id()).status() == InvoiceStatus.PAID);
      assertThat(engine.invoice(inUsdt.id()).payments()).singleElement()
          .satisfies(p -> assertThat(p.amount()).isEqualByComparingTo(inUsdt.payAmount()));
    }
  }

  @Test
  void aTokenWithNoCodeOnTheChainIsTurnedOffAndTheOtherKeepsWorking() {
    String nothing = EvmChain.newWallet(); // an address with no contract code
    engine(POLYGON, anvil.url(), usdt, nothing, "");
    String wallet = EvmChain.newWallet();
    engine.watch(wallet);
    Invoice inUsdt = engine.createInvoice(POLYGON, Token.USDT, wallet, "7.25");
    engine.startWatcher(engine.settings(POLYGON));

    chain.transfer(usdt, wallet, units(inUsdt, 6));
    chain.mine(CONFIRMATIONS - 1);
    Awaitility.await().atMost(EngineHarness.PATIENCE)
        .until(() -> engine.invoice(inUsdt.id()).status() == InvoiceStatus.PAID);
    // the watcher publishes its state after the scan that paid the invoice: wait for it
    Awaitility.await().atMost(EngineHarness.PATIENCE).untilAsserted(() -> assertThat(engine.status(POLYGON))
        .hasValueSatisfying(status -> assertThat(status.tokens())
            .containsEntry("USDT", "watching")
            .hasEntrySatisfying("USDC", state -> assertThat(state).startsWith("off: no contract code at"))));
  }

  @Test
  void decimalsOtherThanConfiguredTurnTheTokenOff() {
    engine(POLYGON, anvil.url(), usdt, usdc, "stablegate.chains.polygon.usdc-decimals = 18");
    engine.startWatcher(engine.settings(POLYGON));
    Awaitility.await().atMost(EngineHarness.PATIENCE).until(() -> engine.status(POLYGON)
        .map(s -> s.tokens().getOrDefault("USDC", "").contains("has 6 decimals, configured 18")).orElse(false));
    assertThat(engine.status(POLYGON).orElseThrow().tokens()).containsEntry("USDT", "watching");
  }

  @Test
  void aConfiguredChainIdOtherThanTheNodesIsRefused() {
    // This anvil says 137; configured as ARBITRUM (mainnet 42161 by default), every endpoint is refused.
    engine(Chain.valueOf("ARBITRUM"), anvil.url(), usdt, usdc, "");
    engine.startWatcher(engine.settings(Chain.valueOf("ARBITRUM")));
    Awaitility.await().atMost(EngineHarness.PATIENCE).until(() -> engine.status(Chain.valueOf("ARBITRUM"))
        .map(s -> s.lastError() != null && s.lastError().contains("reports chain id 137, expected 42161"))
        .orElse(false));
    assertThat(engine.status(Chain.valueOf("ARBITRUM")).orElseThrow().scanned()).isEqualTo(-1);
  }

  @Test
  void bscUsdcWithEighteenDecimalsIsExact() {
    String usdc18 = chain.deployToken(18);
    engine(Chain.BSC, anvil.url(), usdt, usdc18, "stablegate.chains.bsc.chain-id = 137\n"
        + "stablegate.chains.bsc.usdt-decimals = 6");
    String wallet = EvmChain.newWallet();
    engine.watch(wallet);
    Invoice inUsdc = engine.createInvoice(Chain.BSC, Token.USDC, wallet, "1234567.89");
    engine.startWatcher(engine.settings(Chain.BSC));
    // one base unit short of the payAmount: not a match
    chain.transfer(usdc18, wallet, units(inUsdc, 18).subtract(BigInteger.ONE));
    chain.transfer(usdc18, wallet, units(inUsdc, 18));
    chain.mine(CONFIRMATIONS - 1);
    Awaitility.await().atMost(EngineHarness.PATIENCE)
        .until(() -> engine.invoice(inUsdc.id()).status() == InvoiceStatus.PAID);
    assertThat(engine.invoice(inUsdc.id()).payments()).singleElement()
        .satisfies(p -> assertThat(p.amount()).isEqualByComparingTo(inUsdc.payAmount()));
  }
}
