package io.stablegate.app;

import com.typesafe.config.ConfigFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The command line: {@code serve} runs a node; {@code audit} replays the journal. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  static final String USAGE = """
      Usage: stablegate <command> [options]

      Commands:
        serve     Run a Stablegate node: HTTP API on STABLEGATE_HTTP_PORT (default 8080), PostgreSQL
                  embedded under STABLEGATE_DATA_DIR (default ./data) unless STABLEGATE_DB_URL is set.
        audit     Replay the event journal and check its invariants (see docs/audit.md).
        --help    Show this text.

      Every setting is an environment variable; README.md lists them.
      """;

  private Main() {}

  public static void main(String[] args) {
    String command = args.length == 0 ? "--help" : args[0];
    switch (command) {
      case "serve" -> {
        log.info("Starting a Stablegate node");
        StablegateNode.start(ConfigFactory.load());
      }
      case "--help", "-h", "help" -> Console.out(USAGE);
      default -> {
        Console.err("Unknown command: " + command + "\n\n" + USAGE);
        System.exit(2);
      }
    }
  }
}
