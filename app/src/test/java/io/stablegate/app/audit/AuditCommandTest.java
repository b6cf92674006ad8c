package io.stablegate.app.audit;

import static io.stablegate.app.audit.EngineJournal.persistenceId;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.audit.EventHasher;
import io.stablegate.engine.audit.SettingsChange;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCreated;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePaid;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmed;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentDetected;
import io.stablegate.engine.invoice.InvoiceEvent;
import io.stablegate.persistence.audit.SettingsChangeLog;
import io.stablegate.persistence.db.DbCoordinates;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code audit verify | export | invoice} on a journal written by the real engine. Clean, it
 * verifies; each kind of tampering done with SQL on the stored rows makes verify fail and name the
 * persistence id and the sequence number of the tampered event; the export round-trips.
 */
class AuditCommandTest {
  private static EngineJournal journal;

  record Outcome(int exitCode, String out, String err) {}

  @BeforeAll
  static void writeJournal() throws Exception {
    journal = EngineJournal.build();
  }

  static Outcome audit(DbCoordinates db, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 6];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(new String[] {"--db", db.url(), "--db-user", db.user(), "--db-password", db.password()}, 0,
        all, args.length, 6);
    int code = new AuditCommand(ConfigFactory.load(), out, err).run(all);
    return new Outcome(code, out.toString(), err.toString());
  }

  /** The default (one ordered pass), its old name --direct, and the read journal's way. */
  @ParameterizedTest
  @ValueSource(strings = {"", "--direct", "--via-read-journal"})
  void theEnginesJournalVerifiesClean(String how) {
    Outcome outcome = how.isEmpty() ? audit(journal.db, "verify") : audit(journal.db, "verify", how);

    assertThat(outcome.exitCode()).as(outcome.out() + outcome.err()).isZero();
    assertThat(outcome.out()).contains(how.equals("--via-read-journal")
        ? "read through           Pekko Persistence Query"
        : "read through           one ordered pass over event_journal");
    assertThat(outcome.out())
        .contains("invoices replayed      6 (")
        .contains("PENDING 1, CONFIRMING 0, PAID 3, PARTIALLY_PAID 0, EXPIRED 1, CANCELLED 1")
        .contains("paid on ETHEREUM       " + journal.paid.payAmount().multiply(BigDecimal.TWO)
            .add(journal.paidLate.payAmount()).stripTrailingZeros().toPlainString()
            + " USDT in 3 final payments (3 invoices PAID)")
        .contains("transfers credited     3, each to one invoice once")
        .contains("OK:");
  }

  @Test
  void anAmountChangedInAStoredEventIsCaughtAtThatEvent() throws Exception {
    DbCoordinates copy = journal.copy();
    String id = persistenceId(journal.paidAgain);
    long seqNr;
    try (JournalRows copyRows = new JournalRows(copy)) {
      seqNr = copyRows.seqNrOf(id, InvoicePaid.class);
      InvoicePaid paid = (InvoicePaid) copyRows.read(id, seqNr);
      copyRows.overwrite(id, seqNr, new InvoicePaid(paid.invoiceId(), paid.amountPaid().add(new BigDecimal("1000")),
          paid.late(), paid.webhookEventId(), paid.at(), paid.prevHash()));
    }

    assertViolationBothWays(copy, id, seqNr, "InvoicePaid says");
  }

  @Test
  void anAmountChangedInAnEarlierEventIsCaughtByTheHashOfTheNextOne() throws Exception {
    DbCoordinates copy = journal.copy();
    String id = persistenceId(journal.paid);
    try (JournalRows copyRows = new JournalRows(copy)) {
      InvoiceCreated created = (InvoiceCreated) copyRows.read(id, 1);
      copyRows.overwrite(id, 1, new InvoiceCreated(created.invoiceId(), created.merchantId(), created.chain(),
          created.address(), created.amount().add(BigDecimal.ONE), created.payAmount(), created.orderId(),
          created.description(), created.metadataJson(), created.expiresAt(), created.requiredConfirmations(),
          created.at(), created.prevHash()));
    }

    assertViolationBothWays(copy, id, 1, "event 1 was altered");
  }

  @Test
  void aDeletedEventIsCaught() throws Exception {
    DbCoordinates copy = journal.copy();
    String id = persistenceId(journal.paid);
    try (JournalRows copyRows = new JournalRows(copy)) {
      copyRows.execute("DELETE FROM event_journal WHERE persistence_id = ? AND sequence_number = 3", id);
    }

    assertViolationBothWays(copy, id, 3, "event 3 missing");
  }

  @Test
  void withSeveralViolationsTheSmallestPersistenceIdIsNamedOnEveryRun() throws Exception {
    DbCoordinates copy = journal.copy();
    List<String> broken = new ArrayList<>(List.of(persistenceId(journal.paid), persistenceId(journal.paidAgain),
        persistenceId(journal.paidLate)));
    try (JournalRows copyRows = new JournalRows(copy)) {
      for (String id : broken) {
        copyRows.execute("DELETE FROM event_journal WHERE persistence_id = ? AND sequence_number = 2", id);
      }
    }
    String first = broken.stream().sorted().findFirst().orElseThrow();
    for (String[] args : List.of(new String[] {"verify"}, new String[] {"verify", "--via-read-journal"},
        new String[] {"verify"}, new String[] {"verify", "--direct"}, new String[] {"verify", "--via-read-journal"})) {
      Outcome outcome = audit(copy, args);
      assertViolation(outcome, first, 2, "event 2 missing");
      assertThat(outcome.out()).contains("violations             3 (the first by persistence id");
    }
  }

  @Test
  void twoSwappedEventsAreCaught() throws Exception {
    DbCoordinates copy = journal.copy();
    String id = persistenceId(journal.paid);
    try (JournalRows copyRows = new JournalRows(copy)) {
      // Swap the sequence numbers of events 3 and 4 (PaymentConfirmationsUpdated, PaymentConfirmed).
      copyRows.execute("UPDATE event_journal SET sequence_number = -3 WHERE persistence_id = ? AND sequence_number = 3", id);
      copyRows.execute("UPDATE event_journal SET sequence_number = 3 WHERE persistence_id = ? AND sequence_number = 4", id);
      copyRows.execute("UPDATE event_journal SET sequence_number = 4 WHERE persistence_id = ? AND sequence_number = -3", id);
    }

    assertViolationBothWays(copy, id, 3, "event 3 links to neither");
  }

  @Test
  void aTransferCreditedToASecondInvoiceByAForgedEventIsCaught() throws Exception {
    DbCoordinates copy = journal.copy();
    // paidAgain has the same wallet and payAmount as paid, so the forged events fit it in every other way.
    String victim = persistenceId(journal.paidAgain);
    UUID invoiceId = journal.paidAgain.id();
    Transfer credited = journal.paidTransfer;
    long forged;
    long creditedAt;
    try (JournalRows copyRows = new JournalRows(copy); Connection c = copyRows.connect()) {
      creditedAt = copyRows.seqNrOf(persistenceId(journal.paid), PaymentConfirmed.class);
      long last = copyRows.lastSeqNr(victim);
      String head = EventHasher.hash(copyRows.read(victim, last));
      PaymentDetected detected = new PaymentDetected(invoiceId, credited, 12, UUID.randomUUID(), Instant.now(), head);
      PaymentConfirmed confirmed = new PaymentConfirmed(invoiceId, credited.txHash(), credited.logIndex(), 12,
          Instant.now(), EventHasher.hash(detected));
      copyRows.append(c, victim, last + 1, detected);
      copyRows.append(c, victim, last + 2, confirmed);
      forged = last + 2;
    }

    for (Outcome outcome : List.of(audit(copy, "verify"), audit(copy, "verify", "--via-read-journal"))) {
      assertViolation(outcome, victim, forged, "credited again");
      assertThat(outcome.out())
          .contains("already credited to " + persistenceId(journal.paid) + " (event " + creditedAt + ")");
    }
  }

  /** A consistently linked event that no engine could have written: cancelling a PAID invoice. */
  @Test
  void anIllegalStatusChangeIsCaught() throws Exception {
    DbCoordinates copy = journal.copy();
    String id = persistenceId(journal.paid);
    long forged;
    try (JournalRows copyRows = new JournalRows(copy); Connection c = copyRows.connect()) {
      long last = copyRows.lastSeqNr(id);
      String head = EventHasher.hash(copyRows.read(id, last));
      copyRows.append(c, id, last + 1, new InvoiceEvent.InvoiceCancelled(journal.paid.id(), UUID.randomUUID(),
          Instant.now(), head));
      forged = last + 1;
    }

    assertViolationBothWays(copy, id, forged, "InvoiceCancelled on an invoice that is PAID");
  }

  @Test
  void aTamperedSettingsChangeIsCaught() throws Exception {
    DbCoordinates copy = journal.copy();
    try (JournalRows copyRows = new JournalRows(copy); Connection c = copyRows.connect()) {
      SettingsChangeLog log = new SettingsChangeLog();
      log.append(c, journal.merchant, SettingsChange.Kind.WALLET_SET, "ETHEREUM", null, journal.wallet, "session");
      log.append(c, journal.merchant, SettingsChange.Kind.WEBHOOK_URL_SET, null, null, "https://shop.example/hook",
          "session");
      log.append(c, journal.merchant, SettingsChange.Kind.API_KEY_ROTATED, null, null, null, "session");
    }
    assertThat(audit(copy, "verify").out()).contains("settings changes       3 of 1 merchants").contains("OK:");

    try (JournalRows copyRows = new JournalRows(copy)) {
      copyRows.execute("UPDATE settings_changes SET new_value = 'https://attacker.example/hook' "
          + "WHERE merchant_id = ? AND seq_nr = 2", journal.merchant);
    }

    assertViolationBothWays(copy, "settings_changes|" + journal.merchant, 2, "the row was altered");
  }

  @Test
  void invoiceShowsOneInvoicesHistory() {
    Outcome outcome = audit(journal.db, "invoice", journal.paidLate.id().toString());

    assertThat(outcome.exitCode()).as(outcome.out()).isZero();
    assertThat(outcome.out())
        .contains("InvoiceCreated", "InvoiceExpired", "PaymentDetected", "PaymentConfirmed", "InvoicePaid")
        .contains("paid " + journal.paidLate.payAmount().stripTrailingZeros().toPlainString() + " USDT (late)")
        .contains("Now PAID")
        .contains("OK:");
    assertThat(audit(journal.db, "invoice", UUID.randomUUID().toString()).exitCode()).isEqualTo(AuditCommand.VIOLATION);
  }

  /** Scripts written when the ordered pass was an option keep working: --direct is the default's other name. */
  @Test
  void directIsTheDefaultsOtherName() throws Exception {
    DbCoordinates copy = journal.copy();
    String id = persistenceId(journal.paidLate);
    try (JournalRows copyRows = new JournalRows(copy)) {
      copyRows.execute("DELETE FROM event_journal WHERE persistence_id = ? AND sequence_number = 2", id);
    }
    Outcome byDefault = audit(copy, "verify");
    Outcome direct = audit(copy, "verify", "--direct");

    assertViolation(direct, id, 2, "event 2 missing");
    assertThat(withoutTiming(direct.out())).isEqualTo(withoutTiming(byDefault.out()));
    assertThat(audit(copy, "verify", "--direct", "--via-read-journal").exitCode()).isEqualTo(AuditCommand.USAGE);
  }

  private static String withoutTiming(String report) {
    return report.replaceAll("events, [0-9.,]+ s, [0-9,]+ events/s", "events");
  }

  @Test
  void badArgumentsExitWithTwo() {
    assertThat(audit(journal.db, "verify", "--format", "csv").exitCode()).isEqualTo(AuditCommand.USAGE);
    assertThat(audit(journal.db, "export", "--from", "2026-01-01").exitCode()).isEqualTo(AuditCommand.USAGE);
  }

  @Test
  void exportAsJsonLinesRoundTrips() throws Exception {
    Path file = Files.createTempFile(Path.of("target"), "export", ".jsonl");
    Outcome outcome = audit(journal.db, "export", "--from", "2000-01-01", "--to", "2999-12-31", "--format", "json",
        "--out", file.toString());
    assertThat(outcome.exitCode()).as(outcome.err()).isZero();

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<JournalRows.Stored> stored;
    try (JournalRows rows = new JournalRows(journal.db)) {
      stored = rows.all();
    }
    assertThat(lines).hasSize(stored.size());
    ObjectMapper json = JsonMapper.builder().addModule(new JavaTimeModule()).build();
    int invoiceEvents = 0;
    int withAttempts = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      JsonNode exported = json.readTree(line);
      JournalRows.Stored row = stored.get(i);
      String type = row.event().getClass().getSimpleName();
      assertThat(exported.get("ordering").asLong()).isEqualTo(row.ordering());
      assertThat(exported.get("persistenceId").asText()).isEqualTo(row.persistenceId());
      assertThat(exported.get("seqNr").asLong()).isEqualTo(row.seqNr());
      assertThat(exported.get("type").asText()).isEqualTo(type);
      if (row.event() instanceof InvoiceEvent event) {
        withAttempts++;
        if (!(event instanceof InvoiceEvent.WebhookAttempted)) {
          invoiceEvents++; // the attempts depend on timing: the node's webhook delivery ran as it wrote
        }
        String hash = EventHasher.hash(event);
        assertThat(exported.get("hash").asText()).isEqualTo(hash);
        assertThat(exported.get("prevHash").asText()).isEqualTo(event.prevHash());
        // Anyone can recompute the hash from the exported text alone…
        String eventText = line.substring(line.indexOf(",\"event\":") + 9, line.length() - 1);
        String canonical = "{\"event\":" + eventText + ",\"type\":\"" + type + "\"}";
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(canonical.getBytes(StandardCharsets.UTF_8)))).isEqualTo(hash);
        // …and the exported event is the stored one.
        Object parsed = json.treeToValue(exported.get("event"), event.getClass());
        assertThat(EventHasher.hash(parsed)).isEqualTo(hash);
      } else {
        assertThat(exported.get("hash").isNull()).isTrue();
      }
    }
    assertThat(invoiceEvents).isEqualTo(2 + 5 + 5 + 4 + 2 + 3);

    Outcome merchantOnly = audit(journal.db, "export", "--from", "2000-01-01", "--to", "2999-12-31", "--format",
        "json", "--merchant", journal.merchant.toString());
    assertThat(merchantOnly.out().lines()).hasSize(withAttempts)
        .allSatisfy(line -> assertThat(line).contains("\"persistenceId\":\"Invoice|"));
    assertThat(audit(journal.db, "export", "--from", "2000-01-01", "--to", "2999-12-31", "--format", "json",
        "--merchant", UUID.randomUUID().toString()).out()).isEmpty();
    assertThat(audit(journal.db, "export", "--from", "2000-01-01", "--to", "2000-01-01", "--format", "json").out())
        .isEmpty();
  }

  @Test
  void exportAsCsvHasOneRecordPerEvent() throws Exception {
    Outcome outcome = audit(journal.db, "export", "--from", "2000-01-01", "--to", "2999-12-31", "--format", "csv");
    assertThat(outcome.exitCode()).isZero();
    List<String> lines = outcome.out().lines().toList();
    int events;
    try (JournalRows rows = new JournalRows(journal.db)) {
      events = rows.all().size();
    }
    assertThat(lines).hasSize(events + 1);
    assertThat(lines.get(0)).isEqualTo(JournalExporter.CSV_HEADER);
    String created = lines.stream().filter(l -> l.contains(",InvoiceCreated,")).findFirst().orElseThrow();
    assertThat(created).contains("," + EventHasher.GENESIS + ",");
  }

  /** The real entry point in its own JVM: exit code, report on standard output, log on standard error. */
  @Test
  void mainRunsTheAuditAndExitsWithItsCode() throws Exception {
    DbCoordinates copy = journal.copy();
    Outcome clean = runMain(copy, "audit", "verify", "--db", copy.url(), "--db-user", copy.user(),
        "--db-password", copy.password());
    assertThat(clean.exitCode()).as(clean.err()).isZero();
    assertThat(clean.out()).startsWith("Audit of " + copy.url()).contains("OK:").doesNotContain("INFO");

    try (JournalRows copyRows = new JournalRows(copy)) {
      // Hidden from the read journal as a soft-deleted event, in the middle of the invoice.
      copyRows.execute("UPDATE event_journal SET deleted = true WHERE persistence_id = ? AND sequence_number = 3",
          persistenceId(journal.paid));
    }
    Outcome broken = runMain(copy, "audit", "verify", "--db", copy.url(), "--db-user", copy.user(),
        "--db-password", copy.password());
    assertThat(broken.exitCode()).isEqualTo(AuditCommand.VIOLATION);
    assertThat(broken.out()).contains("VIOLATION at " + persistenceId(journal.paid) + " sequence number 3");
  }

  private static Outcome runMain(DbCoordinates db, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
        // the shipped logging config, not a test one that the test class path may also hold
        "-Dlogback.configurationFile=" + Path.of("target", "classes", "logback.xml").toAbsolutePath(),
        "-cp", System.getProperty("java.class.path"), "io.stablegate.app.Main"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(Path.of("target"), "main", ".out");
    Path err = Files.createTempFile(Path.of("target"), "main", ".err");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("audit did not finish");
    }
    return new Outcome(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** The default way and --via-read-journal both name the violation. */
  private static void assertViolationBothWays(DbCoordinates db, String persistenceId, long seqNr, String why) {
    assertViolation(audit(db, "verify"), persistenceId, seqNr, why);
    assertViolation(audit(db, "verify", "--via-read-journal"), persistenceId, seqNr, why);
  }

  private static void assertViolation(Outcome outcome, String persistenceId, long seqNr, String why) {
    assertThat(outcome.exitCode()).as(outcome.out() + outcome.err()).isEqualTo(AuditCommand.VIOLATION);
    assertThat(outcome.out()).contains("VIOLATION at " + persistenceId + " sequence number " + seqNr + ": ")
        .contains(why);
  }
}
