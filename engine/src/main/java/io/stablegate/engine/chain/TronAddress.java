package io.stablegate.engine.chain;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A Tron address: base58check of 21 bytes, the first being {@code 0x41}. In transactions Tron uses
 * those 21 bytes; in VM logs only the last 20.
 */
public record TronAddress(String value) implements ChainAddress {
  private static final byte PREFIX = 0x41;

  public TronAddress {
    toBytes21(value);
  }

  public static TronAddress parse(String text) {
    if (text == null || text.length() != 34 || text.charAt(0) != 'T') {
      throw new InvalidAddressException("must be a 34-character base58check address starting with T");
    }
    return new TronAddress(text);
  }

  /** From the 21-byte form (with {@code 0x41}) or the 20-byte form of VM logs and topics. */
  public static TronAddress fromBytes(byte[] bytes) {
    byte[] body = bytes.length == 21 && bytes[0] == PREFIX
        ? Arrays.copyOfRange(bytes, 1, 21)
        : Arrays.copyOfRange(bytes, bytes.length - 20, bytes.length);
    byte[] full = new byte[21];
    full[0] = PREFIX;
    System.arraycopy(body, 0, full, 1, 20);
    return new TronAddress(Base58.encodeCheck(full));
  }

  /** The 21-byte form with the {@code 0x41} prefix. */
  public byte[] toBytes21() {
    return toBytes21(value);
  }

  /** Hex of the 21-byte form, as Tron's APIs print it ({@code 41…}). */
  public String toHex() {
    return HexFormat.of().formatHex(toBytes21());
  }

  private static byte[] toBytes21(String text) {
    byte[] payload;
    try {
      payload = Base58.decodeCheck(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidAddressException("invalid Tron address: " + e.getMessage());
    }
    if (payload.length != 21 || payload[0] != PREFIX) {
      throw new InvalidAddressException("invalid Tron address: wrong length or prefix");
    }
    return payload;
  }
}
