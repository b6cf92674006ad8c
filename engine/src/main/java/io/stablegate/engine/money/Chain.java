package io.stablegate.engine.money;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A chain Stablegate knows: one block under {@code stablegate.chains} in the configuration (see
 * {@link ChainRegistry}). A chain is its upper-case name, which is how the API, the journals and the
 * database spell it ({@code "ETHEREUM"}), exactly as the enum it replaced did; two chains are equal when
 * their names are. What a chain is made of (chain id, confirmations, tokens) is in {@link ChainSpec}.
 */
public final class Chain implements Comparable<Chain> {

  /** How the chain is read: EVM JSON-RPC ({@code eth_getLogs}) or Tron gRPC. */
  public enum Kind {
    EVM,
    TRON
  }

  private static final Map<String, Chain> BY_NAME = ChainRegistry.load();
  static final List<Chain> KNOWN = List.copyOf(BY_NAME.values());

  public static final Chain TRON = valueOf("TRON");
  public static final Chain ETHEREUM = valueOf("ETHEREUM");
  public static final Chain BSC = valueOf("BSC");

  private final String name;
  private final Kind kind;
  private final int order;
  private final String label;
  private final String tokenStandard;
  private final long mainnetChainId;

  Chain(String name, Kind kind, int order, String label, String tokenStandard, long mainnetChainId) {
    this.name = name;
    this.kind = kind;
    this.order = order;
    this.label = label;
    this.tokenStandard = tokenStandard;
    this.mainnetChainId = mainnetChainId;
  }

  /** The chain id of the network this chain is named after (EVM; 0 on Tron). */
  public long mainnetChainId() {
    return mainnetChainId;
  }

  /** The chain's name as the API spells it (upper case). */
  @JsonValue
  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  public boolean isEvm() {
    return kind == Kind.EVM;
  }

  /** The name a payer knows the network by ("Polygon PoS"). */
  public String label() {
    return label;
  }

  /** The token standard ("ERC-20", "BEP-20", "TRC-20"). */
  public String tokenStandard() {
    return tokenStandard;
  }

  /** The lower-case name used in config paths ({@code stablegate.chains.ethereum}). */
  public String configKey() {
    return name.toLowerCase(Locale.ROOT);
  }

  /** Every known chain, in the configured order. */
  public static Chain[] values() {
    return KNOWN.toArray(Chain[]::new);
  }

  /**
   * The known chain of that exact (upper-case) name; like an enum's, throws IllegalArgumentException
   * for any other. Journals and JSON read chains through it.
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Chain valueOf(String name) {
    return parse(name).orElseThrow(() -> new IllegalArgumentException("no chain named " + name));
  }

  /** Parses a chain name exactly as the API spells it (upper case); anything else is empty. */
  public static Optional<Chain> parse(String name) {
    return name == null ? Optional.empty() : Optional.ofNullable(BY_NAME.get(name));
  }

  @Override
  public int compareTo(Chain other) {
    int c = Integer.compare(order, other.order);
    return c != 0 ? c : name.compareTo(other.name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Chain other && name.equals(other.name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
