package io.stablegate.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.app.audit.AuditCommand;
import io.stablegate.http.security.ProductionGuard;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line: {@code serve} runs a node; {@code audit} replays the journal; {@code projections}
 * lists and replays parked envelopes.
 */
public final class Main {
  static final String USAGE = """
      Usage: stablegate <command> [options]

      Commands:
        serve     Run a Stablegate node: HTTP API on STABLEGATE_HTTP_PORT (default 8080), PostgreSQL
                  embedded under STABLEGATE_DATA_DIR (default ./data) unless STABLEGATE_DB_URL is set.
        audit     Replay the event journal and check its invariants: audit verify | export | invoice
                  (`stablegate audit --help`, docs/audit.md).
        projections
                  List the envelopes a read-side projection parked, and replay them after a fix:
                  projections parked | replay [--id N] (`stablegate projections --help`,
                  docs/operations.md).
        --help    Show this text.

      Every setting is an environment variable; README.md lists them.
      """;

  private Main() {}

  /**
   * Runs {@code audit …} and returns its exit code. Its output (an export can be the whole journal)
   * is standard output; the log goes to standard error so that it never mixes into that output.
   */
  static int audit(String[] args) {
    System.setProperty("stablegate.log.target", "System.err");
    return new AuditCommand(ConfigFactory.load(), Console.outWriter(), Console.errWriter()).run(args);
  }

  /** Runs {@code projections …} and returns its exit code; the log goes to standard error. */
  static int projections(String[] args) {
    System.setProperty("stablegate.log.target", "System.err");
    return new ProjectionsCommand(ConfigFactory.load(), Console.outWriter(), Console.errWriter()).run(args);
  }

  public static void main(String[] args) {
    String command = args.length == 0 ? "--help" : args[0];
    switch (command) {
      case "serve" -> {
        Logger log = LoggerFactory.getLogger(Main.class);
        Config config = ConfigFactory.load();
        try {
          // Before anything opens a port (the embedded database, the cluster, HTTP).
          ProductionGuard.check(config);
        } catch (IllegalStateException e) {
          log.error("Not starting: {}", e.getMessage());
          System.exit(2);
        }
        log.info("Starting a Stablegate node");
        StablegateNode.start(NodeOptions.production());
      }
      case "audit" -> System.exit(audit(Arrays.copyOfRange(args, 1, args.length)));
      case "projections" -> System.exit(projections(Arrays.copyOfRange(args, 1, args.length)));
      case "--help", "-h", "help" -> Console.out(USAGE);
      default -> {
        Console.err("Unknown command: " + command + "\n\n" + USAGE);
        System.exit(2);
      }
    }
  }
}
