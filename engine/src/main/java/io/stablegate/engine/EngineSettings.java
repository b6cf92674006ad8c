package io.stablegate.engine;

import com.typesafe.config.Config;
import io.stablegate.engine.money.Chain;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

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
}
