package io.stablegate.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.invoice.InvoiceSettings;
import io.stablegate.engine.ledger.LedgerSettings;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.ChainRegistry;
import io.stablegate.engine.money.Token;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The engine's defaults are those docs/settings.md documents. */
class SettingsTest {
  private final Config config = ConfigFactory.defaultReference();

  @Test
  void confirmationDefaultsAreTheDocumentedOnes() {
    EngineSettings settings = EngineSettings.fromConfig(config);
    assertThat(settings.requiredConfirmations(Chain.TRON)).isEqualTo(20);
    assertThat(settings.requiredConfirmations(Chain.ETHEREUM)).isEqualTo(12);
    assertThat(settings.requiredConfirmations(Chain.BSC)).isEqualTo(15);
    assertThat(settings.requiredConfirmations(Chain.valueOf("POLYGON"))).isEqualTo(64);
    assertThat(settings.requiredConfirmations(Chain.valueOf("ARBITRUM"))).isEqualTo(40);
    assertThat(settings.requiredConfirmations(Chain.valueOf("BASE"))).isEqualTo(20);
    assertThat(settings.requiredConfirmations(Chain.valueOf("OPTIMISM"))).isEqualTo(20);
    assertThat(settings.requiredConfirmations(Chain.valueOf("AVALANCHE"))).isEqualTo(3);
    assertThat(settings.askTimeout()).isPositive();
  }

  @Test
  void ledgerDefaultsAreTheDocumentedOnes() {
    LedgerSettings settings = LedgerSettings.fromConfig(config);
    assertThat(settings.latePaymentWindow()).isEqualTo(Duration.ofHours(1));
    assertThat(settings.maxPayAmountSteps()).isEqualTo(100);
    assertThat(settings.clockSkewTolerance()).isPositive();
  }

  @Test
  void tagsStayWithinTheirSlices() {
    InvoiceSettings invoices = InvoiceSettings.fromConfig(config);
    assertThat(invoices.tags()).containsExactly("invoice-0", "invoice-1", "invoice-2", "invoice-3");
    for (int i = 0; i < 200; i++) {
      UUID id = UUID.randomUUID();
      assertThat(invoices.tagFor(id)).isIn(invoices.tags()).isEqualTo(invoices.tagFor(id));
    }
  }

  @Test
  void chainNamesParseExactly() {
    assertThat(Chain.parse("TRON")).contains(Chain.TRON);
    assertThat(Chain.parse("tron")).isEmpty();
    assertThat(Chain.parse(null)).isEmpty();
    assertThat(Chain.ETHEREUM.configKey()).isEqualTo("ethereum");
    assertThat(Chain.TRON.isEvm()).isFalse();
    assertThat(Chain.BSC.isEvm()).isTrue();
  }

  @Test
  void theRegistryKnowsEightChainsInOrder() {
    assertThat(Chain.values()).extracting(Chain::name).containsExactly(
        "TRON", "ETHEREUM", "BSC", "POLYGON", "ARBITRUM", "BASE", "OPTIMISM", "AVALANCHE");
    assertThat(Chain.valueOf("POLYGON")).isEqualTo(Chain.parse("POLYGON").orElseThrow()).hasToString("POLYGON");
    assertThatThrownBy(() -> Chain.valueOf("SOLANA")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void mainnetDefaultsOfEachChain() {
    var specs = ChainRegistry.specs(config);
    assertThat(specs.get(Chain.valueOf("POLYGON")).chainId()).isEqualTo(137);
    assertThat(specs.get(Chain.valueOf("ARBITRUM")).chainId()).isEqualTo(42161);
    assertThat(specs.get(Chain.valueOf("BASE")).chainId()).isEqualTo(8453);
    assertThat(specs.get(Chain.valueOf("OPTIMISM")).chainId()).isEqualTo(10);
    assertThat(specs.get(Chain.valueOf("AVALANCHE")).chainId()).isEqualTo(43114);
    // Base has no Tether-issued USDT: off by default; USDC everywhere but Tron.
    assertThat(specs.get(Chain.valueOf("BASE")).tokens()).containsOnlyKeys(Token.USDC);
    assertThat(specs.get(Chain.TRON).tokens()).containsOnlyKeys(Token.USDT);
    assertThat(specs.get(Chain.BSC).token(Token.USDC).orElseThrow().decimals()).hasValue(18);
    assertThat(specs.get(Chain.ETHEREUM).token(Token.USDC).orElseThrow().contract())
        .isEqualTo("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
  }

  @Test
  void noneTurnsATokenOff() {
    Config off = ConfigFactory.parseString("stablegate.chains.polygon.usdc-contract = none").withFallback(config);
    assertThat(ChainRegistry.spec(off, Chain.valueOf("POLYGON")).tokens()).containsOnlyKeys(Token.USDT);
  }
}
