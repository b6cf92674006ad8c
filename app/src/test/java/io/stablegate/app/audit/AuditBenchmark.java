package io.stablegate.app.audit;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.InvoiceEvent;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCancelled;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCreated;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceExpired;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePaid;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmationsUpdated;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmed;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentDetected;
import io.stablegate.engine.invoice.InvoiceState;
import io.stablegate.engine.money.Chain;
import io.stablegate.persistence.db.Database;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.db.EmbeddedPostgresServer;
import io.stablegate.persistence.testing.Invoices;
import io.stablegate.persistence.testing.TestDatabase;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The figures of docs/performance-audit.md: writes a journal of N invoice events straight into
 * {@code event_journal} (built with the engine's event handler, so every hash links, and serialized
 * by Pekko's own serializer: exactly the rows the engine writes), then runs {@code stablegate audit
 * verify} on it in child JVMs under {@code /usr/bin/time -v} with a small heap: the default (one
 * ordered pass over the table), then {@code --via-read-journal} (Pekko Persistence Query), each
 * followed by the CPU its PostgreSQL backends used.
 *
 * <p>Run: {@code java -cp <test class path> io.stablegate.app.audit.AuditBenchmark [events] [heap] ["jvm options"]};
 * with {@code -Dbenchmark.data-dir=DIR} the journal is kept under DIR and reused by the next run.
 * The third argument's {@code -Ddirect-only} runs only the default path, {@code -Dquery-only} only
 * the read journal's.
 */
public final class AuditBenchmark {
  private static final Logger log = LoggerFactory.getLogger(AuditBenchmark.class);
  private static final int BATCH = 2_000;

  public static void main(String[] args) throws Exception {
    long target = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    String heap = args.length > 1 ? args[1] : "256m";
    // e.g. -XX:StartFlightRecording=filename=audit.jfr, or -Dstablegate.audit.replay-parallelism=16
    List<String> jvmOptions = args.length > 2 ? List.of(args[2].split(" ")) : List.of();
    // -Dbenchmark.data-dir=DIR keeps the journal in an embedded server under DIR, written once and
    // reused by later runs (the write takes longer than the replay).
    String keepIn = System.getProperty("benchmark.data-dir");
    DbCoordinates fresh = keepIn == null ? TestDatabase.fresh()
        : EmbeddedPostgresServer.start(Path.of(keepIn), 0, false).database("audit_" + target);
    // One multi-row INSERT per batch instead of one statement per row.
    DbCoordinates db = new DbCoordinates(fresh.url() + (fresh.url().contains("?") ? "&" : "?")
        + "reWriteBatchedInserts=true", fresh.user(), fresh.password());
    Database.migrate(db);
    long existing = countEvents(db);
    if (existing == 0) {
      long started = System.nanoTime();
      long written = write(db, target);
      log.info("Wrote {} events in {} s", written, (System.nanoTime() - started) / 1_000_000_000L);
    } else {
      log.info("Reusing the {} events already in {}", existing, db.url());
    }
    if (Boolean.getBoolean("benchmark.serve")) {
      // Keeps the server up for verify runs started by hand, until this process is killed.
      log.info("Serving the journal at {}", db.url());
      Thread.currentThread().join();
    }
    if (!jvmOptions.contains("-Dquery-only")) {
      runVerify(db, heap, jvmOptions, List.of());
    }
    if (!jvmOptions.contains("-Ddirect-only")) {
      runVerify(db, heap, jvmOptions, List.of("--via-read-journal"));
    }
    System.exit(0);
  }

  private static long countEvents(DbCoordinates db) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM event_journal")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Invoices of 2 (expired, cancelled), 5 (paid) or 9 (paid after many confirmations) events. */
  static long write(DbCoordinates db, long target) throws Exception {
    Random random = new Random(42);
    String wallet = Invoices.randomEvmWallet();
    UUID merchant = UUID.randomUUID();
    long written = 0;
    int pending = 0;
    try (JournalRows rows = new JournalRows(db); Connection c = rows.connect();
        PreparedStatement insert = c.prepareStatement(JournalRows.INSERT)) {
      c.setAutoCommit(false);
      while (written < target) {
        UUID id = UUID.randomUUID();
        String persistenceId = InvoiceReplay.PERSISTENCE_ID_PREFIX + id;
        List<InvoiceEvent> events = invoice(id, merchant, wallet, random);
        InvoiceState state = new InvoiceState.Empty();
        long seqNr = 0;
        for (InvoiceEvent unlinked : events) {
          InvoiceEvent event = link(unlinked, state.lastHash());
          state = state.apply(event);
          rows.bind(insert, persistenceId, ++seqNr, event);
          insert.addBatch();
          written++;
          if (++pending == BATCH) {
            insert.executeBatch();
            c.commit();
            pending = 0;
          }
        }
        if (written % 50_000 < events.size()) {
          log.info("{} events written", written);
        }
      }
      insert.executeBatch();
      c.commit();
    }
    return written;
  }

  private static List<InvoiceEvent> invoice(UUID id, UUID merchant, String wallet, Random random) {
    Instant at = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(random.nextInt(30_000_000));
    BigDecimal payAmount = new BigDecimal(1 + random.nextInt(1000)).add(new BigDecimal("0.0001")
        .multiply(BigDecimal.valueOf(random.nextInt(100))));
    List<InvoiceEvent> events = new ArrayList<>();
    events.add(new InvoiceCreated(id, merchant, Chain.ETHEREUM, wallet, payAmount, payAmount, "order-" + id,
        "benchmark", "{}", at.plusSeconds(1800), 12, at, null));
    int kind = random.nextInt(10);
    if (kind < 2) {
      events.add(new InvoiceExpired(id, UUID.randomUUID(), at.plusSeconds(1800), null));
    } else if (kind < 3) {
      events.add(new InvoiceCancelled(id, UUID.randomUUID(), at.plusSeconds(60), null));
    } else {
      byte[] tx = new byte[32];
      random.nextBytes(tx);
      Transfer t = new Transfer(Chain.ETHEREUM, "0x" + HexFormat.of().formatHex(tx), random.nextInt(100),
          Invoices.randomEvmWallet(), wallet, payAmount, 1_000_000 + random.nextInt(1_000_000),
          "0x" + "ab".repeat(32), at.plusSeconds(120));
      events.add(new PaymentDetected(id, t, 1, UUID.randomUUID(), at.plusSeconds(130), null));
      int updates = kind < 8 ? 1 : 5;
      for (int i = 1; i <= updates; i++) {
        events.add(new PaymentConfirmationsUpdated(id, t.txHash(), t.logIndex(), 1 + 2 * i, at.plusSeconds(130 + 20 * i),
            null));
      }
      events.add(new PaymentConfirmed(id, t.txHash(), t.logIndex(), 12, at.plusSeconds(300), null));
      events.add(new InvoicePaid(id, payAmount, false, UUID.randomUUID(), at.plusSeconds(300), null));
    }
    return events;
  }

  /** The same event with its prevHash set, as the entity persists it. */
  static InvoiceEvent link(InvoiceEvent e, String prev) {
    return switch (e) {
      case InvoiceCreated x -> new InvoiceCreated(x.invoiceId(), x.merchantId(), x.chain(), x.address(), x.amount(),
          x.payAmount(), x.orderId(), x.description(), x.metadataJson(), x.expiresAt(), x.requiredConfirmations(),
          x.price(), x.rate(), x.rateSource(), x.rateAt(), x.token(), x.at(), prev, x.underpaymentTolerancePercent(),
          x.redirectUrl(), x.testMode());
      case PaymentDetected x -> new PaymentDetected(x.invoiceId(), x.transfer(), x.confirmations(), x.webhookEventId(),
          x.at(), prev, x.source());
      case PaymentConfirmationsUpdated x -> new PaymentConfirmationsUpdated(x.invoiceId(), x.txHash(), x.logIndex(),
          x.confirmations(), x.at(), prev);
      case PaymentConfirmed x -> new PaymentConfirmed(x.invoiceId(), x.txHash(), x.logIndex(), x.confirmations(),
          x.at(), prev);
      case InvoicePaid x -> new InvoicePaid(x.invoiceId(), x.amountPaid(), x.late(), x.webhookEventId(), x.at(), prev,
          x.underpaid());
      case InvoiceEvent.PaymentAttached x -> new InvoiceEvent.PaymentAttached(x.invoiceId(), x.transfer(),
          x.attachedBy(), x.amountDue(), x.at(), prev);
      case InvoiceEvent.InvoicePartiallyPaid x -> new InvoiceEvent.InvoicePartiallyPaid(x.invoiceId(), x.amountPaid(),
          x.amountDue(), x.payAmount(), x.webhookEventId(), x.at(), prev);
      case InvoiceEvent.InvoiceOverpaid x -> new InvoiceEvent.InvoiceOverpaid(x.invoiceId(), x.amountPaid(),
          x.webhookEventId(), x.at(), prev);
      case InvoiceExpired x -> new InvoiceExpired(x.invoiceId(), x.webhookEventId(), x.at(), prev);
      case InvoiceCancelled x -> new InvoiceCancelled(x.invoiceId(), x.webhookEventId(), x.at(), prev);
      case InvoiceEvent.PaymentReverted x -> new InvoiceEvent.PaymentReverted(x.invoiceId(), x.txHash(), x.logIndex(),
          x.webhookEventId(), x.at(), prev);
      case InvoiceEvent.WebhookAttempted x -> new InvoiceEvent.WebhookAttempted(x.invoiceId(), x.webhookEventId(),
          x.attempt(), x.attemptedAt(), x.statusCode(), x.error(), x.durationMs(), x.outcome(), x.nextAttemptAt(),
          x.at(), prev, x.endpointId());
      case InvoiceEvent.WebhookEndpointsResolved x -> new InvoiceEvent.WebhookEndpointsResolved(x.invoiceId(),
          x.webhookEventId(), x.endpointIds(), x.at(), prev);
      case InvoiceEvent.WebhookRedeliveryRequested x -> new InvoiceEvent.WebhookRedeliveryRequested(x.invoiceId(),
          x.webhookEventId(), x.at(), prev);
    };
  }

  private static void runVerify(DbCoordinates db, String heap, List<String> jvmOptions, List<String> verifyOptions)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-v",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx" + heap,
        // as ./stablegate starts `audit`
        "-XX:+UseSerialGC",
        // the shipped logging config (bench/run starts in app/, the manual command in the repository)
        "-Dlogback.configurationFile=" + Stream.of(Path.of("target", "classes", "logback.xml"),
            Path.of("app", "target", "classes", "logback.xml")).filter(java.nio.file.Files::exists).findFirst()
            .orElse(Path.of("logback.xml")).toAbsolutePath()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.stablegate.app.Main",
        "audit", "verify", "--db", db.url(), "--db-user", db.user(), "--db-password", db.password()));
    command.addAll(verifyOptions);
    log.info("Running {}", String.join(" ", command));
    long postmaster = postmasterPid(db);
    long before = childrenCpuTicks(postmaster);
    Process process = new ProcessBuilder(command).inheritIO().start();
    int exit = process.waitFor();
    // The audit's backends have exited (it disconnected): their CPU is in the postmaster's cutime + cstime.
    log.info("audit verify exited with {}; PostgreSQL backends used {} CPU-s (postmaster {}'s children)", exit,
        String.format("%.1f", (childrenCpuTicks(postmaster) - before) / 100.0), postmaster);
  }

  /** The postmaster's pid: the parent of a backend of ours (the server runs on this machine). */
  private static long postmasterPid(DbCoordinates db) {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return ProcessHandle.of(rs.getLong(1)).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
    } catch (Exception e) {
      return -1;
    }
  }

  /** cutime + cstime of a process (fields 16 and 17 of /proc/PID/stat), in clock ticks (100 a second). */
  private static long childrenCpuTicks(long pid) {
    try {
      String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
    } catch (Exception e) {
      return 0;
    }
  }
}
