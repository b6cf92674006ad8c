package io.stablegate.persistence.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.projection.ParkedEnvelopes.Parked;
import io.stablegate.persistence.testing.Invoices;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One envelope must not stop a projection: an event whose read-side write fails deterministically is
 * parked and the slice moves on; a transient failure (the connection killed) is retried, not parked;
 * an operator replays what was parked after the fix.
 */
class ParkedEnvelopesTest {
  /** All invoices in one slice, so that "the next events of that slice" are every later invoice. */
  private static final Config ONE_SLICE = ConfigFactory.parseString("""
      stablegate.invoice.tag-count = 1
      pekko.projection.restart-backoff.min-backoff = 200ms
      pekko.projection.restart-backoff.max-backoff = 1s
      """);
  /** A shared 2-core machine under load can take a minute to start a projection. */
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final SimpleMeterRegistry METRICS = new SimpleMeterRegistry();

  @BeforeAll
  static void countMetrics() {
    Metrics.addRegistry(METRICS);
  }

  @AfterAll
  static void stopCounting() {
    Metrics.removeRegistry(METRICS);
  }

  @Test
  void aDeterministicFailureParksTheEnvelopeAndTheSliceMovesOnUntilAReplayAppliesIt() throws Exception {
    DbCoordinates db = TestDatabase.fresh();
    String wallet = Invoices.randomEvmWallet();
    Instant later = Instant.now().plus(Duration.ofHours(1));
    try (TestNode node = new TestNode(db, ONE_SLICE)) {
      // The "bug": the read table refuses this order id (a data error that a retry cannot cure).
      execute(db, "ALTER TABLE invoices ADD CONSTRAINT test_refuses_poison CHECK (order_id <> 'poison')");
      Invoice poisoned = node.invoices().create(withOrderId(Invoices.newInvoice(wallet, "25", later), "poison"))
          .toCompletableFuture().get();
      // a later event of the same invoice waits behind the parked one
      node.invoices().cancel(poisoned.id()).toCompletableFuture().get();
      List<Invoice> after = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        after.add(node.invoices().create(Invoices.newInvoice(Invoices.randomEvmWallet(), "10", later))
            .toCompletableFuture().get());
      }

      Awaitility.await().atMost(WAIT).untilAsserted(() -> {
        for (Invoice invoice : after) {
          assertThat(projectedStatus(db, invoice.id())).as("invoice after the poisoned one").isEqualTo("PENDING");
        }
      });
      assertThat(projectedStatus(db, poisoned.id())).isNull();
      List<Parked> parked = parked(db);
      assertThat(parked).hasSize(2).allMatch(p -> p.projection().equals("invoices"))
          .allMatch(p -> p.persistenceId().endsWith(poisoned.id().toString()));
      assertThat(parked.get(0).eventType()).isEqualTo("InvoiceCreated");
      assertThat(parked.get(0).error()).contains("23514").contains("test_refuses_poison");
      assertThat(parked.get(1).eventType()).isEqualTo("InvoiceCancelled");
      assertThat(parked.get(1).error()).contains("behind an earlier parked event");
      assertThat(parked.get(0).sequenceNr()).isLessThan(parked.get(1).sequenceNr());
      assertThat(METRICS.counter("stablegate.projection.parked", "projection", "invoices", "reason", "failed").count())
          .isGreaterThanOrEqualTo(1);
      // the webhook and other projections are not concerned: only the failing projection parks

      ParkedReplay replay = new ParkedReplay(node.system(), readJournal(node), node.database().dataSource(),
          ReadSideProjections.handlers());
      // the later event cannot go first
      assertThatThrownBy(() -> replay.replayOne(parked.get(1).id())).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("replay it first");
      // not fixed yet: it fails again and stays, with its count raised
      ParkedReplay.Outcome notYet = replay.replayAll();
      assertThat(notYet.replayed()).isEmpty();
      assertThat(notYet.stillParked()).containsExactly(parked.get(0).id(), parked.get(1).id());
      assertThat(parked(db).get(0).attempts()).isEqualTo(2);

      execute(db, "ALTER TABLE invoices DROP CONSTRAINT test_refuses_poison");
      ParkedReplay.Outcome fixed = replay.replayAll();
      assertThat(fixed.replayed()).containsExactly(parked.get(0).id(), parked.get(1).id());
      assertThat(parked(db)).isEmpty();
      assertThat(projectedStatus(db, poisoned.id())).isEqualTo(InvoiceStatus.CANCELLED.name());

      // and the projection goes on after the replay: the entity is no longer held back
      Invoice next = node.invoices().create(Invoices.newInvoice(Invoices.randomEvmWallet(), "11", later))
          .toCompletableFuture().get();
      Awaitility.await().atMost(WAIT)
          .untilAsserted(() -> assertThat(projectedStatus(db, next.id())).isEqualTo("PENDING"));
      assertThat(parked(db)).isEmpty();
    }
  }

  @Test
  void aTransientFailureIsRetriedNotParked() throws Exception {
    DbCoordinates db = TestDatabase.fresh();
    Instant later = Instant.now().plus(Duration.ofHours(1));
    try (TestNode node = new TestNode(db, ONE_SLICE);
        Connection locker = DriverManager.getConnection(db.url(), db.user(), db.password());
        // pg_stat_activity is a snapshot per transaction: watch it from a connection of its own
        Connection watcher = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      locker.setAutoCommit(false);
      try (Statement st = locker.createStatement()) {
        st.execute("LOCK TABLE invoices IN EXCLUSIVE MODE");
      }
      Invoice invoice = node.invoices().create(Invoices.newInvoice(Invoices.randomEvmWallet(), "12", later))
          .toCompletableFuture().get();
      // the projection's insert waits for the lock; kill its connection, as a database restart would
      int killed = 0;
      for (int round = 0; round < 2; round++) {
        int pid = Awaitility.await().atMost(WAIT).until(() -> blockedInsert(watcher), p -> p > 0);
        try (PreparedStatement ps = watcher.prepareStatement("SELECT pg_terminate_backend(?)")) {
          ps.setInt(1, pid);
          ps.execute();
        }
        killed++;
      }
      locker.commit();
      assertThat(killed).isEqualTo(2);

      Awaitility.await().atMost(WAIT)
          .untilAsserted(() -> assertThat(projectedStatus(db, invoice.id())).isEqualTo("PENDING"));
      assertThat(parked(db)).isEmpty();
    }
  }

  @Test
  void failuresAreClassifiedByWhatARetryCouldChange() {
    assertThat(ProjectionFailure.of(new SQLException("x", "22021"))).isEqualTo(ProjectionFailure.DETERMINISTIC);
    assertThat(ProjectionFailure.of(new SQLException("x", "23505"))).isEqualTo(ProjectionFailure.DETERMINISTIC);
    assertThat(ProjectionFailure.of(new IllegalStateException("event before its creation")))
        .isEqualTo(ProjectionFailure.DETERMINISTIC);
    for (String state : List.of("08006", "08001", "53300", "57P01", "57014", "40001", "40P01")) {
      assertThat(ProjectionFailure.of(new SQLException("x", state))).as(state).isEqualTo(ProjectionFailure.TRANSIENT);
    }
    assertThat(ProjectionFailure.of(new RuntimeException(new SQLException("x", "08006"))))
        .isEqualTo(ProjectionFailure.TRANSIENT);
    assertThat(ProjectionFailure.of(new java.sql.SQLTransientConnectionException("pool timeout")))
        .isEqualTo(ProjectionFailure.TRANSIENT);
    assertThat(ParkedEnvelopes.sanitize("a\u0000b\ud800c")).isEqualTo("a\uFFFDb\uFFFDc");
  }

  private static NewInvoice withOrderId(NewInvoice n, String orderId) {
    InvoiceTerms t = n.terms();
    return new NewInvoice(n.invoiceId(), new InvoiceTerms(t.merchantId(), t.chain(), t.address(), t.amount(), orderId,
        t.description(), t.metadataJson(), t.expiresAt()));
  }

  private static JdbcReadJournal readJournal(TestNode node) {
    return PersistenceQuery.get(node.system().classicSystem())
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  /** The backend pid of the projection's insert waiting for the lock, or 0. */
  private static int blockedInsert(Connection watcher) throws SQLException {
    try (Statement st = watcher.createStatement();
        ResultSet rs = st.executeQuery("""
            SELECT pid FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO invoices%' AND pid <> pg_backend_pid()""")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static String projectedStatus(DbCoordinates db, UUID id) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        PreparedStatement ps = c.prepareStatement("SELECT status FROM invoices WHERE id = ?")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static List<Parked> parked(DbCoordinates db) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      return ParkedEnvelopes.list(c);
    }
  }

  private static void execute(DbCoordinates db, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
