package io.stablegate.engine.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Ledgers per chain, token and wallet; USDT's keep the ids written before tokens. */
class LedgerIdsTest {
  private static final String WALLET = "0x52908400098527886E0F7030069857D2E4169EE7";

  @Test
  void usdtKeepsTheOldIdAndOtherTokensAddTheirName() {
    assertThat(WalletLedger.entityId(Chain.ETHEREUM, Token.USDT, WALLET))
        .isEqualTo(WalletLedger.entityId(Chain.ETHEREUM, WALLET)).isEqualTo("ETHEREUM:" + WALLET);
    String usdc = WalletLedger.entityId(Chain.valueOf("POLYGON"), Token.USDC, WALLET);
    assertThat(usdc).isEqualTo("POLYGON:USDC:" + WALLET);
    assertThat(WalletLedger.chainOf(usdc)).isEqualTo(Chain.valueOf("POLYGON"));
    assertThat(WalletLedger.tokenOf(usdc)).isEqualTo(Token.USDC);
    assertThat(WalletLedger.addressOf(usdc)).isEqualTo(WALLET);
    assertThat(WalletLedger.tokenOf("ETHEREUM:" + WALLET)).isEqualTo(Token.USDT);
    assertThat(WalletLedger.addressOf("ETHEREUM:" + WALLET)).isEqualTo(WALLET);
  }

  @Test
  void aUsdtTransferCarriesNoTokenFieldSoItEncodesAsBefore() {
    Transfer usdt = new Transfer(Chain.ETHEREUM, "0xab", 0, "0x1", WALLET, BigDecimal.ONE, 1, "0xcd", Instant.EPOCH,
        Token.USDT);
    assertThat(usdt.token()).isNull();
    assertThat(usdt.asset()).isEqualTo(Token.USDT);
    assertThat(usdt).isEqualTo(new Transfer(Chain.ETHEREUM, "0xab", 0, "0x1", WALLET, BigDecimal.ONE, 1, "0xcd",
        Instant.EPOCH));
    Transfer usdc = new Transfer(Chain.ETHEREUM, "0xab", 1, "0x1", WALLET, BigDecimal.ONE, 1, "0xcd", Instant.EPOCH,
        Token.USDC);
    assertThat(usdc.asset()).isEqualTo(Token.USDC);
  }
}
