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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.serialization.SerializationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code audit verify}: replays the whole journal and checks the invariants of docs/audit.md, then
 * the settings-change log's hash chain.
 *
 * <p>By default the journal is read in one ordered pass over {@code event_journal} ({@link
 * #replayTable}); with {@link Source#READ_JOURNAL}, through Pekko Persistence Query, one query per
 * invoice ({@link #replayThroughQuery}). Either way each invoice's events are folded into an {@link
 * InvoiceReplay}, several invoices at once, and tallied; the whole journal is always read, and the
 * violation reported is the smallest {@code (persistence id, sequence number)} found, so a run is
 * deterministic whatever the order. Memory holds a bounded number of invoices, one batch of credited
 * transfers and the tallies below — nothing that grows with the journal.
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

  /** Where the events are read from. */
  enum Source {
    /** One ordered pass over the journal table through a cursor (the default). */
    TABLE,
    /** Pekko Persistence Query: {@code currentPersistenceIds}, then {@code currentEventsByPersistenceId} per invoice. */
    READ_JOURNAL
  }

  record Report(
      long invoices,
      long invoiceEvents,
      long otherPersistenceIds,
      Map<InvoiceStatus, Long> statuses,
      Map<Chain, ChainTotal> paidPerChain,
      long testInvoices,
      long creditedTransfers,
      long settingsMerchants,
      long settingsChanges,
      Optional<List<OnChainVerifier.ChainReport>> onChain,
      Optional<Violation> violation,
      long violations,
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

  /** Reads the journal from {@code source}; the checks are the same either way. */
  Report verify(Source source, Optional<OnChainVerifier> onChain) throws SQLException, InterruptedException {
    long started = System.nanoTime();
    Findings findings = new Findings();
    try (Connection connection = database.connect();
        CreditedTransfers credits = new CreditedTransfers(connection, creditBatchSize, findings::add)) {
      Tally tally = new Tally(credits, findings);
      long others = source == Source.TABLE ? replayTable(tally) : replayThroughQuery(tally);
      credits.flush();
      new LedgerResolutions(connection, SerializationExtension.get(database.system().classicSystem()), findings::add)
          .check();
      SettingsChangeReplay.Result settings = new SettingsChangeReplay(fetchSize).run(connection);
      findings.add(settings.violation());
      // The replay's time, for its events/s; the on-chain lookups are another matter.
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      Optional<List<OnChainVerifier.ChainReport>> chains = Optional.empty();
      if (onChain.isPresent()) {
        chains = Optional.of(onChain.get().verify(credits, findings));
      }
      log.info("Replayed {} invoices ({} events) in {}", tally.invoices, tally.events, elapsed);
      return new Report(tally.invoices, tally.events, others, tally.statuses, tally.paid, tally.testInvoices,
          credits.credited(),
          settings.merchants(), settings.changes(), chains, explain(findings.first(), credits), findings.count(),
          elapsed);
    }
  }

  private static Optional<Violation> explain(Optional<Violation> first, CreditedTransfers credits)
      throws SQLException {
    return first.isEmpty() ? first : Optional.of(credits.explain(first.get()));
  }

  /**
   * Through Pekko's read journal ({@code --via-read-journal}): every persistence id, then every invoice's events.
   * Up to {@code parallelism} invoices are read at once, each in a stream of its own (decoding and
   * hashing run on as many threads), and tallied as each finishes, in whatever order: a slow invoice
   * holds up no other. The outcome does not depend on that order (see {@link Findings}).
   */
  private long replayThroughQuery(Tally tally) throws InterruptedException {
    AtomicLong others = new AtomicLong();
    try {
      database.readJournal().currentPersistenceIds()
          .filter(id -> {
            if (InvoiceReplay.isInvoice(id)) {
              return true;
            }
            others.incrementAndGet();
            return false;
          })
          .mapAsyncUnordered(parallelism, this::replayOne)
          .runForeach(tally::accept, database.system())
          .toCompletableFuture()
          .get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the replay failed: " + e.getCause(), e.getCause());
    }
    return others.get();
  }

  /** One invoice's events folded into its replay, in a stream (and actor) of its own. */
  private CompletionStage<InvoiceReplay> replayOne(String id) {
    return database.readJournal().currentEventsByPersistenceId(id, 0L, Long.MAX_VALUE)
        .runFold(new InvoiceReplay(id), JournalVerifier::replay, database.system())
        .thenApply(InvoiceReplay::finish);
  }

  /**
   * The default: one query over the journal's primary key, {@code ORDER BY persistence_id,
   * sequence_number}, read through a cursor (one snapshot of the whole journal). Each invoice's rows
   * arrive together; they are decoded and replayed on {@code parallelism} worker threads (decoding
   * and hashing are the CPU-heavy part) while the cursor reads on, and the results are tallied in
   * order. Memory holds at most a few hundred invoices' rows, and the whole journal costs one query
   * instead of one per invoice. Rows are decoded as the read journal decodes them ({@link
   * EventDecoder}), and rows marked deleted are skipped as the read journal skips them.
   */
  private long replayTable(Tally tally) throws SQLException, InterruptedException {
    EventDecoder decoder = new EventDecoder(database.system().classicSystem());
    ExecutorService workers = Executors.newFixedThreadPool(parallelism);
    try (Connection connection = database.connectForCursor()) {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      long others = 0;
      int maxInFlight = Math.max(256, parallelism * 64);
      ArrayDeque<Future<InvoiceReplay>> inFlight = new ArrayDeque<>();
      try (PreparedStatement ps = connection.prepareStatement("""
          SELECT persistence_id, sequence_number, ordering, event_ser_id, event_ser_manifest, event_payload
          FROM event_journal WHERE deleted = false ORDER BY persistence_id, sequence_number""")) {
        // Exactly the primary key's order, and no filter on the id: PostgreSQL walks the index
        // instead of sorting the whole journal before the first row.
        ps.setFetchSize(fetchSize);
        try (ResultSet rs = ps.executeQuery()) {
          String currentId = null;
          String otherId = null;
          List<StoredEvent> rows = new ArrayList<>();
          while (rs.next()) {
            String id = rs.getString(1);
            if (!InvoiceReplay.isInvoice(id)) {
              if (!id.equals(otherId)) {
                otherId = id;
                others++;
              }
              continue;
            }
            if (!id.equals(currentId)) {
              if (currentId != null) {
                inFlight.add(workers.submit(replayOf(currentId, rows, decoder)));
                rows = new ArrayList<>();
                if (inFlight.size() >= maxInFlight) {
                  tally.accept(next(inFlight));
                }
              }
              currentId = id;
            }
            rows.add(new StoredEvent(rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getString(5), rs.getBytes(6)));
          }
          if (currentId != null) {
            inFlight.add(workers.submit(replayOf(currentId, rows, decoder)));
          }
          while (!inFlight.isEmpty()) {
            tally.accept(next(inFlight));
          }
        }
      } finally {
        connection.rollback();
      }
      return others;
    } finally {
      workers.shutdownNow();
    }
  }

  /** One stored row, not decoded yet. */
  private record StoredEvent(long seqNr, long ordering, int serializerId, String manifest, byte[] payload) {}

  private static Callable<InvoiceReplay> replayOf(String id, List<StoredEvent> rows, EventDecoder decoder) {
    return () -> {
      InvoiceReplay replay = new InvoiceReplay(id);
      for (StoredEvent row : rows) {
        replay.accept(row.seqNr(), row.ordering(), decoder.decode(row.serializerId(), row.manifest(), row.payload()));
      }
      return replay.finish();
    };
  }

  private static InvoiceReplay next(ArrayDeque<Future<InvoiceReplay>> inFlight) throws InterruptedException {
    try {
      return inFlight.poll().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the replay failed: " + e.getCause(), e.getCause());
    }
  }

  private static InvoiceReplay replay(InvoiceReplay replay, EventEnvelope envelope) {
    long ordering = envelope.offset() instanceof Sequence sequence ? sequence.value() : -1;
    return replay.accept(envelope.sequenceNr(), ordering, envelope.event());
  }

  /** What the replayed invoices add up to; touched by one stream stage (or thread) at a time. */
  private static final class Tally {
    private final CreditedTransfers credits;
    private final Findings findings;
    private final Map<InvoiceStatus, Long> statuses = new EnumMap<>(InvoiceStatus.class);
    private final Map<Chain, ChainTotal> paid = new java.util.TreeMap<>();
    private long invoices;
    private long testInvoices;
    private long events;

    Tally(CreditedTransfers credits, Findings findings) {
      this.credits = credits;
      this.findings = findings;
    }

    void accept(InvoiceReplay replay) throws SQLException {
      replay.finish();
      invoices++;
      long before = events;
      events += replay.events();
      if (events / PROGRESS_EVERY != before / PROGRESS_EVERY) {
        log.info("{} invoices ({} events) replayed so far", invoices, events);
      }
      // Test invoices (test mode) are replayed and checked like any other, but their payments are
      // simulated: they are in no total and no chain holds their transfers.
      if (replay.invoice().isPresent() && !replay.invoice().get().livemode()) {
        testInvoices++;
        findings.add(replay.violation());
        return;
      }
      for (Credit credit : replay.credits()) {
        credits.add(credit);
      }
      replay.invoice().ifPresent(invoice -> {
        statuses.merge(invoice.status(), 1L, Long::sum);
        paid.merge(invoice.chain(), new ChainTotal(0, 0, BigDecimal.ZERO).plus(invoice),
            (a, b) -> new ChainTotal(a.paidInvoices() + b.paidInvoices(), a.finalPayments() + b.finalPayments(),
                a.amount().add(b.amount())));
      });
      findings.add(replay.violation());
    }
  }
}
