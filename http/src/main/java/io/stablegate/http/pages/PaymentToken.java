package io.stablegate.http.pages;

import com.typesafe.config.Config;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.ChainRegistry;
import io.stablegate.engine.money.Token;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a wallet app needs to pay one token on one chain: the EVM chain id (0 on Tron), the token's
 * contract and its decimals. Read from {@code stablegate.chains.<chain>}, the same keys the chain
 * watchers use, for every known chain and every token configured on it.
 */
public record PaymentToken(Chain chain, Token token, long chainId, String contract, int decimals) {

  /** Every known chain's tokens. */
  public static Map<Chain, Map<Token, PaymentToken>> fromConfig(Config config) {
    Map<Chain, Map<Token, PaymentToken>> all = new LinkedHashMap<>();
    ChainRegistry.specs(config).forEach((chain, spec) -> {
      Map<Token, PaymentToken> tokens = new EnumMap<>(Token.class);
      spec.tokens().forEach((token, t) -> tokens.put(token, new PaymentToken(chain, token, spec.chainId(),
          t.contract(), t.decimals().orElse(6))));
      all.put(chain, Map.copyOf(tokens));
    });
    return Map.copyOf(all);
  }

  /** How the page names the network to the payer; the chain id too when it is not the mainnet's. */
  public String networkName() {
    boolean mainnet = !chain.isEvm() || chain.mainnetChainId() == chainId;
    return chain.label() + " (" + chain.tokenStandard() + (mainnet ? "" : ", chain id " + chainId) + ")";
  }
}
