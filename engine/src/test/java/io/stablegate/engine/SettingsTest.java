package io.stablegate.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.invoice.InvoiceSettings;
import io.stablegate.engine.ledger.LedgerSettings;
import io.stablegate.engine.money.Chain;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The engine's defaults are those docs/settings.md documents. */
class SettingsTest {
  private final Config config = ConfigFactory.defaultReference();

  @Test
  void confirmationDefaultsAreTheDocumentedOnes() {
    EngineSettings settings = EngineSettings.fromConfig(config);
    assertThat(settings.requiredConfirmations(Chain.TRON)).isEqualTo(20).isEqualTo(Chain.TRON.defaultConfirmations());
    assertThat(settings.requiredConfirmations(Chain.ETHEREUM)).isEqualTo(12)
        .isEqualTo(Chain.ETHEREUM.defaultConfirmations());
    assertThat(settings.requiredConfirmations(Chain.BSC)).isEqualTo(15).isEqualTo(Chain.BSC.defaultConfirmations());
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
}
