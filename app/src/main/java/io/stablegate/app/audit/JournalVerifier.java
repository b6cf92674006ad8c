package io.stablegate.app.audit;

import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code audit verify}: replays the whole journal through Pekko Persistence Query and checks
 * CONTRACT §6's invariants, then the settings-change log's hash chain.
 *
 * <p>Persistence ids are streamed ({@code currentPersistenceIds}); each invoice's events are streamed
 * ({@code currentEventsByPersistenceId}) and folded into an {@link InvoiceReplay}. Up to {@code
 * parallelism} invoices replay at once, but their results are taken in the order of the ids, so a
 * run is deterministic. Memory holds those few invoices, one batch of credited transfers and the
 * tallies below — nothing that grows with the journal.
 */
final class JournalVerifier {
  private static final Logger log = LoggerFactory.getLogger(JournalVerifier.class);
  private static final long PROGRESS_EVERY = 100_000;

  /** Paid totals of one chain: the sum of final payments, over how many invoices. */
  record ChainTotal(long paidInvoices, long finalPayments, BigDecimal amount) {
    ChainTotal plus(Invoice invoice) {
      long finals = invoice.payments().stream().filter(p -> p.isFinal()).count();
      return new ChainTotal(paidInvoices + (invoice.status() == InvoiceStatus.PAID ? 1 : 0),
          finalPayments + finals, amount.add(invoice.amountPaid()));
    }
  }

  record Report(
      long invoices,
      long invoiceEvents,
      long otherPersistenceIds,
      Map<InvoiceStatus, Long> statuses,
      Map<Chain, ChainTotal> paidPerChain,
      long creditedTransfers,
      long settingsMerchants,
      long settingsChanges,
      Optional<Violation> violation,
      Duration elapsed) {}

  private final AuditDatabase database;
  private final int parallelism;
  private final int creditBatchSize;
  private final int fetchSize;

  JournalVerifier(AuditDatabase database, int parallelism, int creditBatchSize, int fetchSize) {
    this.database = database;
    this.parallelism = parallelism;
    this.creditBatchSize = creditBatchSize;
    this.fetchSize = fetchSize;
  }

  /**
   * {@code direct}: read {@code event_journal} with one ordered cursor (see {@link #replayDirect})
   * instead of one Pekko Persistence Query per invoice. The checks are the same.
   */
  Report verify(boolean direct) throws SQLException, InterruptedException {
    long started = System.nanoTime();
    try (Connection connection = database.connect();
        CreditedTransfers credits = new CreditedTransfers(connection, creditBatchSize)) {
      Tally tally = new Tally(credits);
      long others = direct ? replayDirect(tally) : replayThroughQuery(tally);
      if (tally.violation.isEmpty()) {
        tally.violation = credits.flush();
      }
      long merchants = 0;
      long changes = 0;
      if (tally.violation.isEmpty()) {
        SettingsChangeReplay.Result settings = new SettingsChangeReplay(fetchSize).run(connection);
        merchants = settings.merchants();
        changes = settings.changes();
        tally.violation = settings.violation();
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      log.info("Replayed {} invoices ({} events) in {}", tally.invoices, tally.events, elapsed);
      return new Report(tally.invoices, tally.events, others, tally.statuses, tally.paid, credits.credited(),
          merchants, changes, tally.violation, elapsed);
    }
  }

  /** The contract's way: every persistence id, then every invoice's events, through the read journal. */
  private long replayThroughQuery(Tally tally) throws InterruptedException {
    AtomicLong others = new AtomicLong();
    var readJournal = database.readJournal();
    var system = database.system();
    try {
      readJournal.currentPersistenceIds()
          .filter(id -> {
            if (InvoiceReplay.isInvoice(id)) {
              return true;
            }
            others.incrementAndGet();
            return false;
          })
          .mapAsync(parallelism, id -> readJournal.currentEventsByPersistenceId(id, 0L, Long.MAX_VALUE)
              .runFold(new InvoiceReplay(id), JournalVerifier::replay, system))
          .map(tally::accept)
          .takeWhile(goOn -> goOn)
          .runWith(Sink.ignore(), system)
          .toCompletableFuture()
          .get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the replay failed: " + e.getCause(), e.getCause());
    }
    return others.get();
  }

  /**
   * The fast way: one query over the journal's primary key, {@code ORDER BY persistence_id,
   * sequence_number}, read through a cursor. Each invoice's events arrive together, so one invoice
   * is in memory at a time, and the whole journal costs one query instead of one per invoice. The
   * rows are decoded by the same serializers the read journal uses, and rows marked deleted are
   * skipped as the read journal skips them.
   */
  private long replayDirect(Tally tally) throws SQLException {
    Serialization serialization = SerializationExtension.get(database.system().classicSystem());
    try (Connection connection = database.connect()) {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      long others;
      try (PreparedStatement ps = connection.prepareStatement(
          "SELECT count(DISTINCT persistence_id) FROM event_journal WHERE persistence_id NOT LIKE ?")) {
        ps.setString(1, InvoiceReplay.PERSISTENCE_ID_PREFIX + "%");
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          others = rs.getLong(1);
        }
      }
      try (PreparedStatement ps = connection.prepareStatement("""
          SELECT persistence_id, sequence_number, ordering, event_ser_id, event_ser_manifest, event_payload
          FROM event_journal WHERE deleted = false AND persistence_id LIKE ?
          ORDER BY persistence_id, sequence_number""")) {
        ps.setFetchSize(fetchSize);
        ps.setString(1, InvoiceReplay.PERSISTENCE_ID_PREFIX + "%");
        try (ResultSet rs = ps.executeQuery()) {
          InvoiceReplay current = null;
          while (rs.next()) {
            String id = rs.getString(1);
            if (current == null || !current.persistenceId().equals(id)) {
              if (current != null && !tally.accept(current)) {
                return others;
              }
              current = new InvoiceReplay(id);
            }
            current.accept(rs.getLong(2), rs.getLong(3),
                serialization.deserialize(rs.getBytes(6), rs.getInt(4), rs.getString(5)).get());
          }
          if (current != null) {
            tally.accept(current);
          }
        }
      } finally {
        connection.rollback();
      }
      return others;
    }
  }

  private static InvoiceReplay replay(InvoiceReplay replay, EventEnvelope envelope) {
    long ordering = envelope.offset() instanceof Sequence sequence ? sequence.value() : -1;
    return replay.accept(envelope.sequenceNr(), ordering, envelope.event());
  }

  /** What the replayed invoices add up to; touched by one stream stage at a time, in order. */
  private static final class Tally {
    private final CreditedTransfers credits;
    private final Map<InvoiceStatus, Long> statuses = new EnumMap<>(InvoiceStatus.class);
    private final Map<Chain, ChainTotal> paid = new EnumMap<>(Chain.class);
    private long invoices;
    private long events;
    private Optional<Violation> violation = Optional.empty();

    Tally(CreditedTransfers credits) {
      this.credits = credits;
    }

    /** Whether to go on. */
    boolean accept(InvoiceReplay replay) throws SQLException {
      replay.finish();
      invoices++;
      long before = events;
      events += replay.events();
      if (events / PROGRESS_EVERY != before / PROGRESS_EVERY) {
        log.info("{} invoices ({} events) replayed so far", invoices, events);
      }
      replay.credits().forEach(credits::add);
      replay.invoice().ifPresent(invoice -> {
        statuses.merge(invoice.status(), 1L, Long::sum);
        paid.merge(invoice.chain(), new ChainTotal(0, 0, BigDecimal.ZERO).plus(invoice),
            (a, b) -> new ChainTotal(a.paidInvoices() + b.paidInvoices(), a.finalPayments() + b.finalPayments(),
                a.amount().add(b.amount())));
      });
      if (replay.violation().isPresent()) {
        // A double credit among the invoices before this one was found first.
        violation = Optional.of(credits.flush().orElse(replay.violation().get()));
        return false;
      }
      if (credits.batchFull()) {
        violation = credits.flush();
      }
      return violation.isEmpty();
    }
  }
}
