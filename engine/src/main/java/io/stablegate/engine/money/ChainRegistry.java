package io.stablegate.engine.money;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The chains Stablegate knows, built from configuration: every block under {@code stablegate.chains}
 * that says its {@code kind} ({@code evm} or {@code tron}) is a chain, named by its key in upper case.
 * Adding an EVM network is a block of defaults (kind, order, label, chain id, confirmations, token
 * contracts; the watcher's endpoints and poll interval in chain-actors) and nothing else: every part of
 * the node (watchers, ledgers, API, checkout page, health) iterates over this registry.
 *
 * <p>Which chains exist is read once per JVM from the node's configuration files ({@code reference.conf}
 * of each module and {@code application.conf}), so that a chain name in a journal or a request resolves
 * anywhere; what each one is configured with ({@link ChainSpec}) is read from the config the node
 * runs with.
 */
public final class ChainRegistry {
  /** What a contract setting says to turn its token off on that chain. */
  public static final String NONE = "none";

  private ChainRegistry() {}

  /** Every known chain, in order. */
  public static List<Chain> known() {
    return Chain.KNOWN;
  }

  /** Called once, by Chain's initialisation (so that the registry and Chain's constants cannot race). */
  static Map<String, Chain> load() {
    return load(ConfigFactory.load());
  }

  private static Map<String, Chain> load(Config root) {
    Config chains = root.getConfig("stablegate.chains");
    List<Chain> found = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : chains.root().entrySet()) {
      if (e.getValue().valueType() != ConfigValueType.OBJECT) {
        continue;
      }
      Config c = chains.getConfig(quote(e.getKey()));
      if (!c.hasPath("kind")) {
        continue;
      }
      String name = e.getKey().toUpperCase(Locale.ROOT);
      if (!name.matches("[A-Z][A-Z0-9_]*")) {
        throw new IllegalArgumentException("stablegate.chains." + e.getKey() + ": a chain's key is letters, digits, _");
      }
      Chain.Kind kind = Chain.Kind.valueOf(c.getString("kind").trim().toUpperCase(Locale.ROOT));
      found.add(new Chain(name, kind, c.hasPath("order") ? c.getInt("order") : Integer.MAX_VALUE,
          c.hasPath("label") ? c.getString("label") : name,
          c.hasPath("token-standard") ? c.getString("token-standard") : kind == Chain.Kind.TRON ? "TRC-20" : "ERC-20",
          c.hasPath("mainnet-chain-id") ? c.getLong("mainnet-chain-id") : 0L));
    }
    Collections.sort(found);
    Map<String, Chain> byName = new LinkedHashMap<>();
    found.forEach(chain -> byName.put(chain.name(), chain));
    return Collections.unmodifiableMap(byName);
  }

  /** Every known chain's settings in {@code root} (the node's config), in the registry's order. */
  public static Map<Chain, ChainSpec> specs(Config root) {
    Map<Chain, ChainSpec> specs = new LinkedHashMap<>();
    for (Chain chain : known()) {
      specs.put(chain, spec(root, chain));
    }
    return Collections.unmodifiableMap(specs);
  }

  /** One chain's settings in {@code root}. */
  public static ChainSpec spec(Config root, Chain chain) {
    Config c = root.getConfig("stablegate.chains." + chain.configKey());
    Map<Token, ChainSpec.TokenSpec> tokens = new EnumMap<>(Token.class);
    for (Token token : Token.values()) {
      String key = token.name().toLowerCase(Locale.ROOT);
      if (!c.hasPath(key + "-contract")) {
        continue;
      }
      String contract = c.getString(key + "-contract").trim();
      if (contract.isEmpty() || contract.equalsIgnoreCase(NONE)) {
        continue;
      }
      OptionalInt decimals = c.hasPath(key + "-decimals") && !c.getString(key + "-decimals").isBlank()
          ? OptionalInt.of(c.getInt(key + "-decimals")) : OptionalInt.empty();
      tokens.put(token, new ChainSpec.TokenSpec(token, contract, decimals));
    }
    return new ChainSpec(chain, chain.isEvm() ? c.getLong("chain-id") : 0L, c.getInt("confirmations"), tokens);
  }

  private static String quote(String key) {
    return "\"" + key + "\"";
  }
}
