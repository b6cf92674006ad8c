package io.stablegate.engine;

import com.typesafe.config.Config;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Engine-wide settings from {@code stablegate}: how long a caller waits for an entity, and how many
 * confirmations make a payment final on each chain.
 */
public record EngineSettings(Duration askTimeout, Map<Chain, Integer> confirmations) {

  public static EngineSettings fromConfig(Config root) {
    Config c = root.getConfig("stablegate");
    Map<Chain, Integer> confirmations = new EnumMap<>(Chain.class);
    for (Chain chain : Chain.values()) {
      confirmations.put(chain, c.getInt("chains." + chain.configKey() + ".confirmations"));
    }
    return new EngineSettings(c.getDuration("ask-timeout"), Map.copyOf(confirmations));
  }

  public int requiredConfirmations(Chain chain) {
    return confirmations.get(chain);
  }

  /**
   * The tokens an invoice on {@code chain} may be asked in: those whose contract the chain's watcher
   * watches. Today every chain watches its USDT contract only; USDC arrives with per-chain token
   * configuration.
   */
  public Set<Token> tokens(Chain chain) {
    return Set.of(Token.USDT);
  }
}
