package io.stablegate.http.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PaymentUriTest {
  private static final Map<Chain, PaymentToken> DEFAULTS = PaymentToken.fromConfig(ConfigFactory.load());
  private static final String WALLET = "0x52908400098527886E0F7030069857D2E4169EE7";

  @Test
  void ethereumUsdtHasSixDecimalsAndChainIdOne() {
    assertThat(PaymentUri.of(DEFAULTS.get(Chain.ETHEREUM), WALLET, new BigDecimal("10.5003")))
        .isEqualTo("ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7@1/transfer?address=" + WALLET
            + "&uint256=10500300");
  }

  @Test
  void bscUsdtHasEighteenDecimalsAndChainId56() {
    assertThat(PaymentUri.of(DEFAULTS.get(Chain.BSC), WALLET, new BigDecimal("0.0001")))
        .isEqualTo("ethereum:0x55d398326f99059fF775485246999027B3197955@56/transfer?address=" + WALLET
            + "&uint256=100000000000000");
  }

  @Test
  void tronIsTheBareAddress() {
    String tron = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
    assertThat(PaymentUri.of(DEFAULTS.get(Chain.TRON), tron, new BigDecimal("3"))).isEqualTo(tron);
  }

  @Test
  void configuredChainIdContractAndDecimalsAreUsed() {
    Map<Chain, PaymentToken> local = PaymentToken.fromConfig(ConfigFactory.parseString("""
        stablegate.chains.ethereum { chain-id = 31337, usdt-contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3", usdt-decimals = 6 }
        """).withFallback(ConfigFactory.load()));
    assertThat(PaymentUri.of(local.get(Chain.ETHEREUM), WALLET, new BigDecimal("1.000001")))
        .isEqualTo("ethereum:0x5FbDB2315678afecb367f032d93F642f64180aa3@31337/transfer?address=" + WALLET
            + "&uint256=1000001");
  }

  @Test
  void anAmountFinerThanTheTokenIsRefused() {
    PaymentToken twoDecimals = new PaymentToken(Chain.ETHEREUM, 1, "0xdAC17F958D2ee523a2206206994597C13D831ec7", 2);
    assertThatThrownBy(() -> PaymentUri.of(twoDecimals, WALLET, new BigDecimal("1.001")))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void theQrCodeDecodesToTheExactUri() throws Exception {
    String uri = PaymentUri.of(DEFAULTS.get(Chain.BSC), WALLET, new BigDecimal("123456.7891"));
    assertThat(QrCodes.decode(QrCode.png(uri, 6))).isEqualTo(uri);
  }
}
