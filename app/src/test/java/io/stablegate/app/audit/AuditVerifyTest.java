package io.stablegate.app.audit;

import static io.stablegate.app.audit.EngineJournal.persistenceId;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.audit.EventHasher;
import io.stablegate.engine.audit.SettingsChange;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.InvoiceEvent.InvoiceCreated;
import io.stablegate.engine.invoice.InvoiceEvent.InvoicePaid;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentConfirmed;
import io.stablegate.engine.invoice.InvoiceEvent.PaymentDetected;
import io.stablegate.persistence.audit.SettingsChangeLog;
import io.stablegate.persistence.db.DbCoordinates;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code audit verify} on a journal written by the real engine: clean, it passes; each kind of
 * tampering done with SQL on the stored rows makes it fail and name the persistence id and the
 * sequence number of the tampered event.
 */
class AuditVerifyTest {
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

  @Test
  void theEnginesJournalVerifiesClean() {
    Outcome outcome = audit(journal.db, "verify");

    assertThat(outcome.exitCode()).as(outcome.out() + outcome.err()).isZero();
    assertThat(outcome.out())
        .contains("invoices replayed      6 (")
        .contains("PENDING 1, CONFIRMING 0, PAID 3, EXPIRED 1, CANCELLED 1")
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
    try (JournalRows copyRows = new JournalRows(copy)) {
      InvoicePaid paid = (InvoicePaid) copyRows.read(id, 4);
      copyRows.overwrite(id, 4, new InvoicePaid(paid.invoiceId(), paid.amountPaid().add(new BigDecimal("1000")),
          paid.late(), paid.webhookEventId(), paid.at(), paid.prevHash()));
    }

    assertViolation(audit(copy, "verify"), id, 4, "InvoicePaid says");
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

    assertViolation(audit(copy, "verify"), id, 1, "event 1 was altered");
  }

  @Test
  void aDeletedEventIsCaught() throws Exception {
    DbCoordinates copy = journal.copy();
    String id = persistenceId(journal.paid);
    try (JournalRows copyRows = new JournalRows(copy)) {
      copyRows.execute("DELETE FROM event_journal WHERE persistence_id = ? AND sequence_number = 3", id);
    }

    assertViolation(audit(copy, "verify"), id, 3, "event 3 missing");
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

    assertViolation(audit(copy, "verify"), id, 3, "event 3 links to neither");
  }

  @Test
  void aTransferCreditedToASecondInvoiceByAForgedEventIsCaught() throws Exception {
    DbCoordinates copy = journal.copy();
    // paidAgain has the same wallet and payAmount as paid, so the forged events fit it in every other way.
    String victim = persistenceId(journal.paidAgain);
    UUID invoiceId = journal.paidAgain.id();
    Transfer credited = journal.paidTransfer;
    try (JournalRows copyRows = new JournalRows(copy); Connection c = copyRows.connect()) {
      long last = copyRows.lastSeqNr(victim);
      String head = EventHasher.hash(copyRows.read(victim, last));
      PaymentDetected detected = new PaymentDetected(invoiceId, credited, 12, UUID.randomUUID(), Instant.now(), head);
      PaymentConfirmed confirmed = new PaymentConfirmed(invoiceId, credited.txHash(), credited.logIndex(), 12,
          Instant.now(), EventHasher.hash(detected));
      copyRows.append(c, victim, last + 1, detected);
      copyRows.append(c, victim, last + 2, confirmed);
      assertThat(last + 2).isEqualTo(6);
    }

    Outcome outcome = audit(copy, "verify");

    assertViolation(outcome, victim, 6, "credited again");
    assertThat(outcome.out()).contains("already credited to " + persistenceId(journal.paid) + " (event 4)");
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

    assertViolation(audit(copy, "verify"), "settings_changes|" + journal.merchant, 2, "the row was altered");
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

  @Test
  void badArgumentsExitWithTwo() {
    assertThat(audit(journal.db, "verify", "--format", "csv").exitCode()).isEqualTo(AuditCommand.USAGE);
    assertThat(audit(journal.db, "export", "--from", "2026-01-01").exitCode()).isEqualTo(AuditCommand.USAGE);
  }

  private static void assertViolation(Outcome outcome, String persistenceId, long seqNr, String why) {
    assertThat(outcome.exitCode()).as(outcome.out() + outcome.err()).isEqualTo(AuditCommand.VIOLATION);
    assertThat(outcome.out()).contains("VIOLATION at " + persistenceId + " sequence number " + seqNr + ": ")
        .contains(why);
  }
}
