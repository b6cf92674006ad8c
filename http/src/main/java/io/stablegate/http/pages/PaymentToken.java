package io.stablegate.http.pages;

import com.typesafe.config.Config;
import io.stablegate.engine.money.Chain;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a wallet app needs to pay on one chain: the EVM chain id (0 on Tron), the USDT contract and its
 * decimals. Read from {@code stablegate.chains.<chain>}, the same keys the chain watchers use.
 */
public record PaymentToken(Chain chain, long chainId, String usdtContract, int decimals) {

  public static Map<Chain, PaymentToken> fromConfig(Config config) {
    Map<Chain, PaymentToken> tokens = new EnumMap<>(Chain.class);
    for (Chain chain : Chain.values()) {
      Config c = config.getConfig("stablegate.chains." + chain.configKey());
      long chainId = chain.isEvm() ? c.getLong("chain-id") : 0;
      tokens.put(chain, new PaymentToken(chain, chainId, c.getString("usdt-contract"), c.getInt("token-decimals")));
    }
    return Map.copyOf(tokens);
  }

  /** How the page names the network to the payer. */
  public String networkName() {
    return switch (chain) {
      case TRON -> "Tron (TRC-20)";
      case ETHEREUM -> chainId == 1 ? "Ethereum (ERC-20)" : "Ethereum (ERC-20, chain id " + chainId + ")";
      case BSC -> chainId == 56 ? "BNB Smart Chain (BEP-20)" : "BNB Smart Chain (BEP-20, chain id " + chainId + ")";
    };
  }
}
