package io.stablegate.chain;

import com.typesafe.config.Config;
import io.stablegate.engine.money.ChainRegistry;
import io.stablegate.engine.money.ChainSpec;
import io.stablegate.engine.money.Token;
import io.stablegate.engine.money.Chain;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How one chain's watcher runs, from {@code stablegate.chains.<chain>} and {@code stablegate.chain-watcher}.
 *
 * @param endpoints JSON-RPC URLs (EVM) or gRPC {@code host:port} (Tron), in order of preference
 * @param chainId the chain id every EVM endpoint must report; unused on Tron
 * @param tokens the chain's tokens with their contracts (those set to {@code none} absent)
 * @param startBlock where a chain without checkpoint starts; empty means the head at first start
 * @param confirmations blocks on top of and including a transfer's block before it is final
 * @param engineWait how long a cycle waits for the engine to take finals and confirmation counts before it
 *     records its scan; what is not taken by then stays pending and is told again next cycle
 */
public record WatcherSettings(
    Chain chain,
    boolean enabled,
    List<String> endpoints,
    long chainId,
    Optional<Secret> apiKey,
    List<ChainSpec.TokenSpec> tokens,
    OptionalLong startBlock,
    Duration pollInterval,
    int confirmations,
    int maxBlocksPerCycle,
    int maxLogRange,
    int hashHistory,
    Duration rpcTimeout,
    Duration walletsTimeout,
    Duration engineWait,
    Duration minBackoff,
    Duration maxBackoff,
    int snapshotEvery) {

  public static final String BLOCKING_DISPATCHER = "stablegate.chain-watcher.blocking-dispatcher";

  /** A value that must never reach a log line, however the record holding it is printed. */
  public record Secret(String value) {
    @Override
    public String toString() {
      return "<redacted>";
    }
  }

  public WatcherSettings {
    endpoints = List.copyOf(endpoints);
    tokens = List.copyOf(tokens);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException(chain + ": no endpoint configured");
    }
    if (hashHistory <= confirmations) {
      throw new IllegalArgumentException(chain + ": hash-history (" + hashHistory
          + ") must exceed the confirmation depth (" + confirmations + ")");
    }
  }

  public static WatcherSettings fromConfig(Config root, Chain chain) {
    Config c = root.getConfig("stablegate.chains." + chain.configKey());
    ChainSpec spec = ChainRegistry.spec(root, chain);
    Config shared = root.getConfig("stablegate.chain-watcher");
    String startBlock = c.getString("start-block").trim();
    String apiKey = c.hasPath("api-key") ? c.getString("api-key").trim() : "";
    return new WatcherSettings(
        chain,
        c.getBoolean("enabled"),
        splitList(c.getString(chain.isEvm() ? "rpc-urls" : "grpc-endpoints")),
        spec.chainId(),
        apiKey.isEmpty() ? Optional.empty() : Optional.of(new Secret(apiKey)),
        spec.tokens().values().stream().sorted(java.util.Comparator.comparing(ChainSpec.TokenSpec::token)).toList(),
        startBlock.equalsIgnoreCase("latest") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(startBlock)),
        Duration.ofMillis(c.getLong("poll-interval-ms")),
        spec.confirmations(),
        c.getInt("max-blocks-per-cycle"),
        shared.getInt("max-log-range"),
        shared.getInt("hash-history"),
        shared.getDuration("rpc-timeout"),
        shared.getDuration("wallets-timeout"),
        shared.getDuration("engine-wait"),
        shared.getDuration("min-backoff"),
        shared.getDuration("max-backoff"),
        shared.getInt("snapshot-every"));
  }

  /** The USDT contract as configured, or null when USDT is off on this chain. */
  public String usdtContract() {
    return tokens.stream().filter(t -> t.token() == Token.USDT).map(ChainSpec.TokenSpec::contract).findFirst()
        .orElse(null);
  }

  /** Environment overrides are plain strings, so lists arrive comma-separated. */
  static List<String> splitList(String text) {
    return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
