package io.stablegate.http.pages;

import com.typesafe.config.Config;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.ChainRegistry;
import io.stablegate.engine.money.Token;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a wallet app needs to pay on one chain: the EVM chain id (0 on Tron), the USDT contract and its
 * decimals. Read from {@code stablegate.chains.<chain>}, the same keys the chain watchers use.
 */
public record PaymentToken(Chain chain, long chainId, String usdtContract, int decimals) {

  public static Map<Chain, PaymentToken> fromConfig(Config config) {
    Map<Chain, PaymentToken> tokens = new LinkedHashMap<>();
    ChainRegistry.specs(config).forEach((chain, spec) -> spec.token(Token.USDT).ifPresent(usdt ->
        tokens.put(chain, new PaymentToken(chain, spec.chainId(), usdt.contract(), usdt.decimals().orElse(6)))));
    return Map.copyOf(tokens);
  }

  /** How the page names the network to the payer. */
  public String networkName() {
    boolean mainnet = !chain.isEvm() || chain.mainnetChainId() == chainId;
    return chain.label() + " (" + chain.tokenStandard() + (mainnet ? "" : ", chain id " + chainId) + ")";
  }
}
