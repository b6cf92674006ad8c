package io.stablegate.http.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import java.math.BigDecimal;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PaymentUriTest {
  private static final Map<Chain, Map<Token, PaymentToken>> ALL = PaymentToken.fromConfig(ConfigFactory.load());
  private static final Map<Chain, PaymentToken> DEFAULTS = usdt(ALL);
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
    Map<Chain, PaymentToken> local = usdt(PaymentToken.fromConfig(ConfigFactory.parseString("""
        stablegate.chains.ethereum { chain-id = 31337, usdt-contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3", usdt-decimals = 6 }
        """).withFallback(ConfigFactory.load())));
    assertThat(PaymentUri.of(local.get(Chain.ETHEREUM), WALLET, new BigDecimal("1.000001")))
        .isEqualTo("ethereum:0x5FbDB2315678afecb367f032d93F642f64180aa3@31337/transfer?address=" + WALLET
            + "&uint256=1000001");
  }

  @Test
  void anAmountFinerThanTheTokenIsRefused() {
    PaymentToken twoDecimals = new PaymentToken(Chain.ETHEREUM, Token.USDT, 1, "0xdAC17F958D2ee523a2206206994597C13D831ec7", 2);
    assertThatThrownBy(() -> PaymentUri.of(twoDecimals, WALLET, new BigDecimal("1.001")))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void theQrCodeDecodesToTheExactUri() throws Exception {
    String uri = PaymentUri.of(DEFAULTS.get(Chain.BSC), WALLET, new BigDecimal("123456.7891"));
    assertThat(QrCodes.decode(QrCode.png(uri, 6))).isEqualTo(uri);
  }

  @Test
  void everyCodeOfManyWalletsAndAmountsReadsBack() throws Exception {
    // One code in a few hundred trips ZXing's finder in a perfect image (QrCodes says how it still reads):
    // enough random wallets and amounts to meet such codes, with a fixed seed so that a failure repeats.
    Random random = new Random(20261202);
    for (int i = 0; i < 150; i++) {
      byte[] address = new byte[20];
      random.nextBytes(address);
      String wallet = "0x" + HexFormat.of().formatHex(address);
      BigDecimal amount = BigDecimal.valueOf(1 + random.nextInt(100_000_000), 4);
      String uri = PaymentUri.of(DEFAULTS.get(Chain.ETHEREUM), wallet, amount);
      assertThat(QrCodes.decode(QrCode.png(uri, 8))).as(uri).isEqualTo(uri);
    }
  }

  private static Map<Chain, PaymentToken> usdt(Map<Chain, Map<Token, PaymentToken>> all) {
    Map<Chain, PaymentToken> usdt = new java.util.HashMap<>();
    all.forEach((chain, tokens) -> {
      if (tokens.containsKey(Token.USDT)) {
        usdt.put(chain, tokens.get(Token.USDT));
      }
    });
    return usdt;
  }

  @Test
  void everyEvmChainAndTokenHasItsContractAndChainId() {
    assertThat(PaymentUri.of(ALL.get(Chain.valueOf("POLYGON")).get(Token.USDC), WALLET, new BigDecimal("10.5003")))
        .isEqualTo("ethereum:0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359@137/transfer?address=" + WALLET
            + "&uint256=10500300");
    assertThat(PaymentUri.of(ALL.get(Chain.valueOf("ARBITRUM")).get(Token.USDT), WALLET, new BigDecimal("1")))
        .isEqualTo("ethereum:0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9@42161/transfer?address=" + WALLET
            + "&uint256=1000000");
    assertThat(PaymentUri.of(ALL.get(Chain.valueOf("BASE")).get(Token.USDC), WALLET, new BigDecimal("2.25")))
        .isEqualTo("ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@8453/transfer?address=" + WALLET
            + "&uint256=2250000");
    assertThat(PaymentUri.of(ALL.get(Chain.valueOf("OPTIMISM")).get(Token.USDC), WALLET, new BigDecimal("3")))
        .startsWith("ethereum:0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85@10/transfer?");
    assertThat(PaymentUri.of(ALL.get(Chain.valueOf("AVALANCHE")).get(Token.USDT), WALLET, new BigDecimal("3")))
        .startsWith("ethereum:0x9702230A8Ea53601f5cD2dc00fDBc13d4dF4A8c7@43114/transfer?");
    assertThat(PaymentUri.of(ALL.get(Chain.BSC).get(Token.USDC), WALLET, new BigDecimal("0.0001")))
        .isEqualTo("ethereum:0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d@56/transfer?address=" + WALLET
            + "&uint256=100000000000000");
    assertThat(ALL.get(Chain.valueOf("BASE"))).doesNotContainKey(Token.USDT);
    assertThat(ALL.get(Chain.TRON)).containsOnlyKeys(Token.USDT);
    assertThat(ALL.get(Chain.valueOf("POLYGON")).get(Token.USDC).networkName()).isEqualTo("Polygon PoS (ERC-20)");
  }
}
