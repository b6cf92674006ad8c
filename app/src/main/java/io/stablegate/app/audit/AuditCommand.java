package io.stablegate.app.audit;

import com.typesafe.config.Config;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code stablegate audit verify | export | invoice}: parses the arguments, opens the database and
 * runs the command. {@link #run} returns the process's exit code: 0 all good, 1 a violation, 2 bad
 * arguments, 3 the journal could not be read, 4 ({@code verify --onchain}) a chain could not be read.
 */
public final class AuditCommand {
  private static final Logger log = LoggerFactory.getLogger(AuditCommand.class);

  public static final int OK = 0;
  public static final int VIOLATION = 1;
  public static final int USAGE = 2;
  public static final int UNREADABLE = 3;
  /** {@code verify --onchain}: every endpoint of a chain failed, and the journal showed no violation. */
  public static final int CHAIN_UNREACHABLE = 4;

  public static final String HELP = """
      Usage: stablegate audit <command> [options]

        verify [--db URL] [--via-read-journal] [--onchain]
                              Replay every event of the journal and check its invariants; prints a
                              summary and exits 1 naming the first violation by persistence id and
                              sequence number, with how many were found (docs/audit.md). Reads
                              event_journal in one ordered pass (--direct, accepted, changes nothing).
                              --via-read-journal reads it through Pekko Persistence Query instead,
                              one query per invoice: the same checks, about 5 times the CPU.
                              --onchain also re-reads every final transfer from its chain (the node's
                              STABLEGATE_<CHAIN>_RPC_URLS / STABLEGATE_TRON_GRPC_ENDPOINTS) and checks it
                              is there as recorded; disabled chains are reported NOT CHECKED.
        export --from DATE --to DATE --format csv|json [--merchant ID] [--out FILE]
                              The events in journal order with their hashes (json: JSON Lines).
                              DATE is YYYY-MM-DD (UTC, --to inclusive) or an ISO instant (--to exclusive).
        invoice <id> [--db URL]
                              One invoice's history, event by event, with its checks.

      Exit codes: 0 clean, 1 a violation, 2 bad arguments, 3 the journal could not be read,
                  4 (--onchain, no violation found) every endpoint of a chain failed.

      --db URL                JDBC URL of the database to audit (e.g. a restored backup), with
      --db-user, --db-password  (default STABLEGATE_DB_USER / STABLEGATE_DB_PASSWORD). Without --db:
                              the node's database (STABLEGATE_DB_URL, or embedded under STABLEGATE_DATA_DIR).
      """;

  private final Config config;
  private final PrintWriter out;
  private final PrintWriter err;

  /** {@code out} receives the command's output (reports, exports without --out); {@code err} messages. */
  public AuditCommand(Config config, Writer out, Writer err) {
    this.config = config;
    this.out = out instanceof PrintWriter p ? p : new PrintWriter(out);
    this.err = err instanceof PrintWriter p ? p : new PrintWriter(err);
  }

  /** {@code args} after the word {@code audit}. */
  public int run(String... args) {
    try {
      return dispatch(args);
    } catch (UsageException e) {
      err.println("stablegate audit: " + e.getMessage());
      err.println();
      err.print(HELP);
      return USAGE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("stablegate audit: interrupted");
      return UNREADABLE;
    } catch (Exception e) {
      log.error("The audit could not read the journal", e);
      err.println("stablegate audit: cannot read the journal: " + e.getMessage());
      return UNREADABLE;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int dispatch(String[] args) throws Exception {
    if (args.length == 0 || List.of("--help", "-h", "help").contains(args[0])) {
      out.print(HELP);
      return args.length == 0 ? USAGE : OK;
    }
    Options options = Options.parse(Arrays.copyOfRange(args, 1, args.length));
    return switch (args[0]) {
      case "verify" -> {
        options.positionals(0);
        yield verify(options);
      }
      case "export" -> {
        options.positionals(0);
        yield export(options);
      }
      case "invoice" -> invoice(options, options.positionals(1).get(0));
      default -> throw new UsageException("unknown audit command: " + args[0]);
    };
  }

  private AuditDatabase open(Options options) {
    return AuditDatabase.open(config, options.value("db"), options.value("db-user"), options.value("db-password"));
  }

  private Config settings() {
    return config.getConfig("stablegate.audit");
  }

  private int verify(Options options) throws Exception {
    options.allowOnly("db", "db-user", "db-password", "direct", "via-read-journal", "onchain");
    if (options.flag("direct") && options.flag("via-read-journal")) {
      throw new UsageException("--direct and --via-read-journal name two ways of reading the journal: give one");
    }
    // --direct was the name of the one ordered pass when it was not the default; kept for scripts.
    JournalVerifier.Source source = options.flag("via-read-journal")
        ? JournalVerifier.Source.READ_JOURNAL : JournalVerifier.Source.TABLE;
    Optional<OnChainVerifier> onChain = options.flag("onchain")
        ? Optional.of(new OnChainVerifier(config, settings().getInt("onchain-parallelism"),
            settings().getInt("fetch-size")))
        : Optional.empty();
    try (AuditDatabase database = open(options)) {
      int parallelism = source == JournalVerifier.Source.TABLE ? decodeThreads()
          : settings().getInt("replay-parallelism");
      JournalVerifier.Report report = new JournalVerifier(database, parallelism,
          settings().getInt("credit-batch-size"), settings().getInt("fetch-size")).verify(source, onChain);
      print(report, database, source, parallelism);
      if (report.violation().isPresent()) {
        return VIOLATION;
      }
      boolean unreachable = report.onChain().orElse(List.of()).stream()
          .anyMatch(c -> c.outcome() == OnChainVerifier.Outcome.UNREACHABLE);
      return unreachable ? CHAIN_UNREACHABLE : OK;
    }
  }

  /** {@code decode-threads}, 0 meaning as many as the machine has cores. */
  private int decodeThreads() {
    int configured = settings().getInt("decode-threads");
    return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
  }

  private void print(JournalVerifier.Report r, AuditDatabase database, JournalVerifier.Source source,
      int parallelism) {
    double seconds = Math.max(r.elapsed().toMillis(), 1) / 1000.0;
    out.printf("Audit of %s%n", database.coordinates().url());
    out.printf("  read through           %s%n", source == JournalVerifier.Source.TABLE
        ? "one ordered pass over event_journal, decoded on " + parallelism + " threads"
        : "Pekko Persistence Query, currentEventsByPersistenceId for each invoice, " + parallelism + " at once"
            + " (--via-read-journal)");
    out.printf("  invoices replayed      %,d (%,d events, %.1f s, %,.0f events/s)%n", r.invoices(), r.invoiceEvents(),
        seconds, r.invoiceEvents() / seconds);
    StringBuilder statuses = new StringBuilder();
    for (InvoiceStatus status : InvoiceStatus.values()) {
      statuses.append(statuses.isEmpty() ? "" : ", ").append(status).append(' ')
          .append(String.format("%,d", r.statuses().getOrDefault(status, 0L)));
    }
    out.printf("  statuses               %s%n", statuses);
    if (r.paidPerChain().isEmpty()) {
      out.printf("  paid                   nothing%n");
    }
    for (Map.Entry<Chain, JournalVerifier.ChainTotal> e : r.paidPerChain().entrySet()) {
      out.printf("  paid on %-14s %s USDT in %,d final payments (%,d invoices PAID)%n", e.getKey(),
          Amounts.format(e.getValue().amount()), e.getValue().finalPayments(), e.getValue().paidInvoices());
    }
    if (r.testInvoices() > 0) {
      out.printf("  test invoices          %,d (test mode: paid only by simulated transfers; in no total above, "
          + "not re-read on chain)%n", r.testInvoices());
    }
    out.printf("  transfers credited     %,d%s%n", r.creditedTransfers(),
        r.violation().isPresent() ? "" : ", each to one invoice once");
    out.printf("  settings changes       %,d of %,d merchants%n", r.settingsChanges(), r.settingsMerchants());
    out.printf("  other persistence ids  %,d (wallet ledgers: not hash-chained; their attaches and dismissals checked against the credits)%n",
        r.otherPersistenceIds());
    if (r.onChain().isEmpty()) {
      out.printf("  on chain               not checked (--onchain re-reads every final transfer)%n");
    } else if (r.onChain().get().isEmpty()) {
      out.printf("  on chain               no final transfer to check%n");
    }
    for (OnChainVerifier.ChainReport c : r.onChain().orElse(List.of())) {
      String what = switch (c.outcome()) {
        case CHECKED -> String.format("%,d final transfers re-read, %,d as recorded, %,d not (%s)", c.checked(),
            c.checked() - c.mismatches(), c.mismatches(), c.detail());
        case NOT_CHECKED -> String.format("NOT CHECKED: %,d final transfers (%s)", c.finalTransfers(), c.detail());
        case UNREACHABLE -> String.format("UNREACHABLE: %,d of %,d final transfers re-read before %s",
            c.checked(), c.finalTransfers(), c.detail());
      };
      out.printf("  on chain %-13s %s%n", c.chain(), what);
    }
    for (OnChainVerifier.ChainReport c : r.onChain().orElse(List.of())) {
      if (c.outcome() == OnChainVerifier.Outcome.UNREACHABLE) {
        err.printf("stablegate audit: %s unreachable: %s%n", c.chain(), c.detail());
      }
    }
    if (r.violation().isPresent()) {
      Violation v = r.violation().get();
      out.printf("  violations             %,d (the first by persistence id and sequence number is named)%n",
          r.violations());
      out.printf("VIOLATION at %s sequence number %d: %s%n", v.persistenceId(), v.seqNr(), v.message());
      err.printf("stablegate audit: the journal violates an invariant at %s sequence number %d%n",
          v.persistenceId(), v.seqNr());
    } else {
      out.printf("OK: every hash chain links, every transition is legal, every amount adds up%s.%n",
          r.onChain().isPresent() ? ", every final transfer re-read is on chain as recorded" : "");
    }
  }

  private int export(Options options) throws Exception {
    options.allowOnly("db", "db-user", "db-password", "from", "to", "format", "merchant", "out");
    Instant from = parseDate(options.required("from"), false);
    Instant to = parseDate(options.required("to"), true);
    JournalExporter.Format format = switch (options.required("format")) {
      case "csv" -> JournalExporter.Format.CSV;
      case "json" -> JournalExporter.Format.JSON_LINES;
      default -> throw new UsageException("--format must be csv or json");
    };
    Optional<UUID> merchant = options.value("merchant").map(id -> {
      try {
        return UUID.fromString(id);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--merchant must be a merchant id (UUID): " + id);
      }
    });
    Optional<Path> file = options.value("out").map(Path::of);
    try (AuditDatabase database = open(options)) {
      JournalExporter exporter = new JournalExporter(database, settings().getInt("fetch-size"));
      long events;
      if (file.isPresent()) {
        try (Writer writer = new BufferedWriter(
            Files.newBufferedWriter(file.get(), StandardCharsets.UTF_8), 1 << 16)) {
          events = exporter.export(from, to, format, merchant, writer);
        }
        err.printf("stablegate audit: %,d events written to %s%n", events, file.get());
      } else {
        events = exporter.export(from, to, format, merchant, out);
      }
      log.info("Exported {} events", events);
      return OK;
    }
  }

  private int invoice(Options options, String id) throws Exception {
    options.allowOnly("db", "db-user", "db-password");
    UUID invoiceId;
    try {
      invoiceId = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new UsageException("not an invoice id (UUID): " + id);
    }
    try (AuditDatabase database = open(options)) {
      return new InvoiceHistory(database).print(invoiceId, out) ? OK : VIOLATION;
    }
  }

  /** A date is a whole UTC day ({@code --to} includes it); an instant is exact ({@code --to} excludes it). */
  static Instant parseDate(String text, boolean end) {
    try {
      LocalDate date = LocalDate.parse(text);
      return (end ? date.plusDays(1) : date).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException notADate) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw new UsageException("not a date (YYYY-MM-DD) or instant (ISO-8601): " + text);
      }
    }
  }

  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  /** {@code --name value} or {@code --name=value} options and positional words. */
  record Options(Map<String, String> values, List<String> positionals) {
    /** Options without a value. */
    static final List<String> FLAGS = List.of("direct", "via-read-journal", "onchain");

    static Options parse(String[] args) {
      Map<String, String> values = new HashMap<>();
      List<String> positionals = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (!arg.startsWith("--")) {
          positionals.add(arg);
          continue;
        }
        String name = arg.substring(2);
        String value;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        } else if (FLAGS.contains(name)) {
          value = "true";
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw new UsageException("--" + name + " needs a value");
        }
        if (values.put(name, value) != null) {
          throw new UsageException("--" + name + " given twice");
        }
      }
      return new Options(values, positionals);
    }

    Optional<String> value(String name) {
      return Optional.ofNullable(values.get(name));
    }

    boolean flag(String name) {
      return value(name).map(Boolean::parseBoolean).orElse(false);
    }

    String required(String name) {
      return value(name).orElseThrow(() -> new UsageException("--" + name + " is required"));
    }

    void allowOnly(String... names) {
      for (String name : values.keySet()) {
        if (!List.of(names).contains(name)) {
          throw new UsageException("unknown option --" + name);
        }
      }
    }

    List<String> positionals(int expected) {
      if (positionals.size() != expected) {
        throw new UsageException(expected == 0 ? "unexpected argument " + positionals.get(0)
            : "expected " + expected + " argument(s), got " + positionals.size());
      }
      return positionals;
    }
  }
}
