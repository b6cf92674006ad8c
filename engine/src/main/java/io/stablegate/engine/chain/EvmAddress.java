package io.stablegate.engine.chain;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.jcajce.provider.digest.Keccak;

/**
 * An Ethereum or BSC address: {@code 0x} and 40 hex digits. Input in one case is accepted as is;
 * mixed case must carry a valid EIP-55 checksum. The canonical form is the checksummed one.
 */
public record EvmAddress(String value) implements ChainAddress {
  private static final Pattern SHAPE = Pattern.compile("0x[0-9a-fA-F]{40}");

  public EvmAddress {
    if (!SHAPE.matcher(value).matches() || !value.equals(checksummed(value.substring(2)))) {
      throw new InvalidAddressException("not a canonical EVM address: " + value);
    }
  }

  public static EvmAddress parse(String text) {
    if (text == null || !SHAPE.matcher(text).matches()) {
      throw new InvalidAddressException("must be 0x followed by 40 hex digits");
    }
    String hex = text.substring(2);
    String canonical = checksummed(hex);
    boolean oneCase = hex.equals(hex.toLowerCase(Locale.ROOT)) || hex.equals(hex.toUpperCase(Locale.ROOT));
    if (!oneCase && !canonical.equals(text)) {
      throw new InvalidAddressException("EIP-55 checksum does not match");
    }
    return new EvmAddress(canonical);
  }

  /** The address from the last 20 bytes of a 32-byte log topic or a 20-byte value. */
  public static EvmAddress fromBytes(byte[] bytes) {
    byte[] last20 = java.util.Arrays.copyOfRange(bytes, bytes.length - 20, bytes.length);
    return new EvmAddress(checksummed(HexFormat.of().formatHex(last20)));
  }

  /** Lower-case hex with the {@code 0x} prefix, as JSON-RPC returns it. */
  public String lowerCase() {
    return value.toLowerCase(Locale.ROOT);
  }

  private static String checksummed(String hex) {
    String lower = hex.toLowerCase(Locale.ROOT);
    Keccak.Digest256 keccak = new Keccak.Digest256();
    String hash = HexFormat.of().formatHex(keccak.digest(lower.getBytes(StandardCharsets.US_ASCII)));
    StringBuilder out = new StringBuilder("0x");
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      out.append(Character.digit(hash.charAt(i), 16) >= 8 ? Character.toUpperCase(c) : c);
    }
    return out.toString();
  }
}
