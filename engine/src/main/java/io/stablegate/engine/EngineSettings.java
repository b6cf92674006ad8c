package io.stablegate.engine;

import com.typesafe.config.Config;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.ChainRegistry;
import io.stablegate.engine.money.ChainSpec;
import io.stablegate.engine.money.Token;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Engine-wide settings from {@code stablegate}: how long a caller waits for an entity, and what each
 * known chain is configured with (confirmations that make a payment final, its tokens).
 */
public record EngineSettings(Duration askTimeout, Map<Chain, ChainSpec> chains) {

  public static EngineSettings fromConfig(Config root) {
    Config c = root.getConfig("stablegate");
    return new EngineSettings(c.getDuration("ask-timeout"), ChainRegistry.specs(root));
  }

  public int requiredConfirmations(Chain chain) {
    return chains.get(chain).confirmations();
  }

  public ChainSpec chain(Chain chain) {
    return chains.get(chain);
  }

  /**
   * The tokens an invoice on {@code chain} may be asked in: those with a contract configured on it
   * (not {@code none}).
   */
  public Set<Token> tokens(Chain chain) {
    return chains.get(chain).tokens().keySet();
  }
}
