package io.stablegate.app;

import com.typesafe.config.Config;
import io.stablegate.app.audit.AuditDatabase;
import io.stablegate.persistence.projection.DataSourceJdbcSession;
import io.stablegate.persistence.projection.ParkedEnvelopes;
import io.stablegate.persistence.projection.ParkedEnvelopes.Parked;
import io.stablegate.persistence.projection.ParkedReplay;
import io.stablegate.persistence.projection.ReadSideProjections;
import io.stablegate.persistence.webhook.WebhookReadSide;
import java.io.PrintWriter;
import java.io.Writer;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code stablegate projections parked | replay [--id N]}: lists the envelopes the read-side
 * projections parked, and applies them again after a fix (docs/operations.md, "Parked envelopes").
 * Exit codes: 0 done (replay: every envelope applied), 1 some envelopes failed again and stay parked,
 * 2 bad arguments, 3 the database could not be read or went away.
 */
public final class ProjectionsCommand {
  private static final Logger log = LoggerFactory.getLogger(ProjectionsCommand.class);

  public static final int OK = 0;
  public static final int STILL_PARKED = 1;
  public static final int USAGE = 2;
  public static final int UNREACHABLE = 3;

  public static final String HELP = """
      Usage: stablegate projections <command> [options]

        parked                One line per envelope a read-side projection parked (its handler failed
                              on it for a reason a retry cannot cure): id, projection, entity, sequence
                              number, event type, attempts, when, error.
        replay [--id N]       Apply the parked envelopes again, oldest first (after the fix is deployed);
                              each applied one leaves the list. One that fails again stays, with its new
                              error, and so do the later ones of its entity. --id N: only envelope N
                              (refused while an earlier envelope of the same entity is parked).

      Exit codes: 0 done, 1 some envelopes are still parked, 2 bad arguments, 3 no database.

      --db URL, --db-user, --db-password
                              The database (default: the node's, STABLEGATE_DB_URL or the embedded one
                              under STABLEGATE_DATA_DIR), as for `stablegate audit`.
      """;

  private final Config config;
  private final PrintWriter out;
  private final PrintWriter err;

  public ProjectionsCommand(Config config, Writer out, Writer err) {
    this.config = config;
    this.out = out instanceof PrintWriter p ? p : new PrintWriter(out);
    this.err = err instanceof PrintWriter p ? p : new PrintWriter(err);
  }

  /** The projections and their per-event handlers, by name. */
  static Map<String, Supplier<? extends JdbcHandler<?, DataSourceJdbcSession>>> handlers() {
    Map<String, Supplier<? extends JdbcHandler<?, DataSourceJdbcSession>>> all = new HashMap<>(ReadSideProjections.handlers());
    all.putAll(WebhookReadSide.handlers());
    return all;
  }

  /** {@code args} after the word {@code projections}. */
  public int run(String... args) {
    try {
      if (args.length == 0 || List.of("--help", "-h", "help").contains(args[0])) {
        out.print(HELP);
        return args.length == 0 ? USAGE : OK;
      }
      Map<String, String> options = options(args);
      return switch (args[0]) {
        case "parked" -> {
          only(options, "db", "db-user", "db-password");
          yield parked(options);
        }
        case "replay" -> {
          only(options, "db", "db-user", "db-password", "id");
          yield replay(options);
        }
        default -> throw new IllegalArgumentException("unknown projections command: " + args[0]);
      };
    } catch (IllegalArgumentException e) {
      err.println("stablegate projections: " + e.getMessage());
      err.println();
      err.print(HELP);
      return USAGE;
    } catch (Exception e) {
      log.error("stablegate projections failed", e);
      err.println("stablegate projections: " + e.getMessage());
      return UNREACHABLE;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int parked(Map<String, String> options) throws Exception {
    try (AuditDatabase database = open(options);
        Connection connection = database.connect()) {
      List<Parked> parked = ParkedEnvelopes.list(connection);
      out.printf("%d parked envelope(s)%n", parked.size());
      for (Parked p : parked) {
        out.printf("%d\t%s\t%s\t%s #%d\t%s\tattempts %d\tparked %s\tlast %s%n\t%s%n", p.id(), p.projection(), p.tag(),
            p.persistenceId(), p.sequenceNr(), p.eventType(), p.attempts(), p.parkedAt(), p.lastAttemptAt(),
            p.error().replace("\n", "\n\t"));
      }
      return OK;
    }
  }

  private int replay(Map<String, String> options) throws Exception {
    Optional<Long> id = Optional.ofNullable(options.get("id")).map(value -> {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--id takes a number, not " + value);
      }
    });
    try (AuditDatabase database = open(options)) {
      // plain connections, one per envelope: no pool, and no migration (the node migrates its database)
      PGSimpleDataSource dataSource = new PGSimpleDataSource();
      dataSource.setURL(database.coordinates().url());
      dataSource.setUser(database.coordinates().user());
      dataSource.setPassword(database.coordinates().password());
      ParkedReplay replay = new ParkedReplay(database.system(), database.readJournal(), dataSource, handlers());
      ParkedReplay.Outcome outcome = id.isPresent() ? replay.replayOne(id.get()) : replay.replayAll();
      out.printf("replayed %d, still parked %d%n", outcome.replayed().size(), outcome.stillParked().size());
      outcome.replayed().forEach(applied -> out.printf("replayed\t%d%n", applied));
      outcome.stillParked().forEach(parked -> out.printf("still parked\t%d%n", parked));
      return outcome.stillParked().isEmpty() ? OK : STILL_PARKED;
    }
  }

  private AuditDatabase open(Map<String, String> options) {
    return AuditDatabase.open(config, Optional.ofNullable(options.get("db")), Optional.ofNullable(options.get("db-user")),
        Optional.ofNullable(options.get("db-password")));
  }

  /** {@code --name value} pairs after the command word. */
  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      options.put(args[i].substring(2), args[++i]);
    }
    return options;
  }

  private static void only(Map<String, String> options, String... allowed) {
    for (String name : options.keySet()) {
      if (!List.of(allowed).contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name);
      }
    }
  }
}
