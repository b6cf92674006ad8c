package io.stablegate.chain;

/** Confirmations count the transfer's own block: a transfer in the head block has one. */
public final class Confirmations {
  private Confirmations() {}

  public static int count(long tip, long block) {
    long n = tip - block + 1;
    return n <= 0 ? 0 : (int) Math.min(n, Integer.MAX_VALUE);
  }
}
