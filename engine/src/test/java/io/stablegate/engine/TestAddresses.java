package io.stablegate.engine;

import io.stablegate.engine.chain.EvmAddress;
import java.security.SecureRandom;

/** Addresses for tests. */
public final class TestAddresses {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestAddresses() {}

  /** A fresh EVM address in checksummed form. */
  public static String randomEvm() {
    byte[] bytes = new byte[20];
    RANDOM.nextBytes(bytes);
    return EvmAddress.fromBytes(bytes).value();
  }
}
