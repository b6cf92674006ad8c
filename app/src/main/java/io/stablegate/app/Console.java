package io.stablegate.app;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the command line writes for its user (usage, audit reports) as opposed to the node's log:
 * the one place where this code base writes to standard output.
 */
final class Console {
  private static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
  private static final PrintStream ERR = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);

  private Console() {}

  static void out(String text) {
    OUT.print(text.endsWith("\n") ? text : text + "\n");
  }

  static void err(String text) {
    ERR.print(text.endsWith("\n") ? text : text + "\n");
  }
}
