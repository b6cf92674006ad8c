package io.stablegate.engine.chain;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/** Bitcoin-alphabet Base58 and Base58Check, as Tron uses for its {@code T…} addresses. */
final class Base58 {
  private static final String ALPHABET =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final BigInteger BASE = BigInteger.valueOf(58);

  private Base58() {}

  static String encode(byte[] input) {
    BigInteger value = new BigInteger(1, input);
    StringBuilder out = new StringBuilder();
    while (value.signum() > 0) {
      BigInteger[] divRem = value.divideAndRemainder(BASE);
      out.append(ALPHABET.charAt(divRem[1].intValue()));
      value = divRem[0];
    }
    for (int i = 0; i < input.length && input[i] == 0; i++) {
      out.append(ALPHABET.charAt(0));
    }
    return out.reverse().toString();
  }

  static byte[] decode(String input) {
    BigInteger value = BigInteger.ZERO;
    int leadingZeros = 0;
    boolean leading = true;
    for (char c : input.toCharArray()) {
      int digit = ALPHABET.indexOf(c);
      if (digit < 0) {
        throw new IllegalArgumentException("not a Base58 character: " + c);
      }
      if (leading && digit == 0) {
        leadingZeros++;
      } else {
        leading = false;
      }
      value = value.multiply(BASE).add(BigInteger.valueOf(digit));
    }
    byte[] magnitude = value.signum() == 0 ? new byte[0] : value.toByteArray();
    if (magnitude.length > 0 && magnitude[0] == 0) {
      magnitude = Arrays.copyOfRange(magnitude, 1, magnitude.length);
    }
    byte[] out = new byte[leadingZeros + magnitude.length];
    System.arraycopy(magnitude, 0, out, leadingZeros, magnitude.length);
    return out;
  }

  static String encodeCheck(byte[] payload) {
    byte[] checksum = Arrays.copyOf(doubleSha256(payload), 4);
    byte[] all = Arrays.copyOf(payload, payload.length + 4);
    System.arraycopy(checksum, 0, all, payload.length, 4);
    return encode(all);
  }

  /** The payload of a Base58Check string; throws if the checksum does not match. */
  static byte[] decodeCheck(String input) {
    byte[] all = decode(input);
    if (all.length < 5) {
      throw new IllegalArgumentException("too short for Base58Check");
    }
    byte[] payload = Arrays.copyOf(all, all.length - 4);
    byte[] checksum = Arrays.copyOfRange(all, all.length - 4, all.length);
    if (!MessageDigest.isEqual(checksum, Arrays.copyOf(doubleSha256(payload), 4))) {
      throw new IllegalArgumentException("Base58Check checksum mismatch");
    }
    return payload;
  }

  private static byte[] doubleSha256(byte[] data) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return sha.digest(sha.digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
