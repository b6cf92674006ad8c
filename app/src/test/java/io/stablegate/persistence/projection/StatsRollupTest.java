package io.stablegate.persistence.projection;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.TestClock;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.engine.invoice.InvoiceEvent;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import io.stablegate.engine.payment.Observation;
import io.stablegate.engine.payment.PaymentSimulator;
import io.stablegate.engine.payment.PaymentSimulator.SimulatedPayment;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.stats.StatsRepository.Granularity;
import io.stablegate.persistence.testing.DirectStats;
import io.stablegate.persistence.testing.Invoices;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.stream.javadsl.Sink;
import org.awaitility.Awaitility;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * The stats rollup ({@code invoice_stats_hourly}) kept by the invoice projection equals the aggregate of the
 * {@code invoices} table after invoices spread over three days are created, paid, partly paid, expired
 * (partly paid ones too) and cancelled, live and test ones, on four projection slices; a redelivered event
 * changes nothing; and the stats query over the rollup and the range's ends answers what the aggregate
 * straight from the invoices answers, for ranges that start and end on the hour and ranges that do not.
 */
class StatsRollupTest {
  /** A shared 2-core machine under load can take a minute to start a projection. */
  private static final Duration WAIT = Duration.ofSeconds(120);

  @Test
  void theRollupFollowsEveryInvoiceThroughItsStatusesAndEqualsTheInvoicesAggregate() throws Exception {
    // mid-hour, three days ago: the invoices are created over the next 64 hours, 5 h 47 min apart
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.DAYS).plusSeconds(37 * 60 + 11);
    Instant end = t0.plus(3, ChronoUnit.DAYS);
    TestClock clock = new TestClock(t0);
    DbCoordinates db = TestDatabase.fresh();
    UUID merchant = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    String wallet = Invoices.randomEvmWallet();
    String usdcWallet = Invoices.randomEvmWallet();
    try (TestNode node = new TestNode(db, ConfigFactory.empty(), clock)) {
      List<Invoice> live = new ArrayList<>();
      for (int k = 0; k < 12; k++) {
        clock.set(t0.plus(Duration.ofMinutes(k * (5 * 60 + 47))));
        // 7 and 8 expire by themselves (30 minutes); 4 once the clock reaches `end`; the others later
        Instant expiresAt = k == 7 || k == 8 ? clock.instant().plus(Duration.ofMinutes(30))
            : k == 4 ? end.minus(Duration.ofHours(1)) : end.plus(Duration.ofDays(10));
        Token token = k % 4 == 3 ? Token.USDC : Token.USDT;
        live.add(create(node, new InvoiceTerms(merchant, Chain.ETHEREUM, token == Token.USDC ? usdcWallet : wallet,
            new BigDecimal(k + 1 + ".25"), "order-" + k, "rollup", "{}", expiresAt, null, null, token)));
      }
      Invoice foreignPaid = create(node, new InvoiceTerms(other, Chain.ETHEREUM, Invoices.randomEvmWallet(),
          new BigDecimal("99"), "order-x", "rollup", "{}", end.plus(Duration.ofDays(10))));
      create(node, new InvoiceTerms(other, Chain.ETHEREUM, Invoices.randomEvmWallet(),
          new BigDecimal("98"), "order-y", "rollup", "{}", end.plus(Duration.ofDays(10))));
      // test invoices of the same merchant: one partly paid, then paid in full (its amount moves twice)
      Invoice test = create(node, new InvoiceTerms(merchant, Chain.ETHEREUM, Invoices.randomEvmWallet(),
          new BigDecimal("20"), "order-t", "rollup", "{}", end.plus(Duration.ofDays(10)), null, null, Token.USDT,
          true));
      Invoice testPartial = create(node, new InvoiceTerms(merchant, Chain.ETHEREUM, Invoices.randomEvmWallet(),
          new BigDecimal("30"), "order-u", "rollup", "{}", end.plus(Duration.ofDays(10)), null, null, Token.USDT,
          true));

      pay(node, clock, live.get(0), live.get(0).payAmount(), 1);
      pay(node, clock, live.get(1), live.get(1).payAmount(), 2);
      pay(node, clock, live.get(2), live.get(2).payAmount(), 3);
      pay(node, clock, foreignPaid, foreignPaid.payAmount(), 4);
      PaymentSimulator simulator = new PaymentSimulator(node.system(), node.invoices(), clock);
      Attribution by = new Attribution(merchant, Attribution.Via.API_KEY);
      Invoice partly = get(simulator.simulate(test, new SimulatedPayment(new BigDecimal("5"), test.requiredConfirmations()), by));
      assertThat(partly.status()).isEqualTo(InvoiceStatus.PARTIALLY_PAID);
      assertThat(get(simulator.simulate(partly, new SimulatedPayment(partly.payAmount(), test.requiredConfirmations()), by)).status())
          .isEqualTo(InvoiceStatus.PAID);
      assertThat(get(simulator.simulate(testPartial, new SimulatedPayment(new BigDecimal("7.5"), testPartial.requiredConfirmations()), by)).status())
          .isEqualTo(InvoiceStatus.PARTIALLY_PAID);
      get(node.invoices().cancel(live.get(5).id()));
      get(node.invoices().cancel(live.get(6).id()));
      get(node.invoices().cancel(live.get(11).id()));
      clock.set(end); // the expiry sweeper expires 4 (and 7 and 8, if it has not yet)
      Awaitility.await().atMost(WAIT).untilAsserted(() -> {
        for (int k : List.of(4, 7, 8)) {
          assertThat(get(node.invoices().get(live.get(k).id())).status()).isEqualTo(InvoiceStatus.EXPIRED);
        }
      });

      Map<Integer, String> expected = new TreeMap<>(Map.of(0, "PAID", 1, "PAID", 2, "PAID", 4, "EXPIRED",
          5, "CANCELLED", 6, "CANCELLED", 7, "EXPIRED", 8, "EXPIRED", 11, "CANCELLED"));
      Awaitility.await().atMost(WAIT).untilAsserted(() -> {
        try (Connection c = connect(db)) {
          for (int k = 0; k < live.size(); k++) {
            assertThat(projected(c, live.get(k).id())).as("invoice " + k).isEqualTo(expected.getOrDefault(k, "PENDING"));
          }
          assertThat(projected(c, foreignPaid.id())).isEqualTo("PAID");
          assertThat(projected(c, test.id())).isEqualTo("PAID");
          assertThat(projected(c, testPartial.id())).isEqualTo("PARTIALLY_PAID");
        }
      });

      try (Connection c = connect(db)) {
        // the rollup is written with the rows: nothing to wait for once the rows are there
        Map<String, String> rollup = rollup(c);
        assertThat(rollup).isEqualTo(aggregate(c));
        // what it holds for the merchant's live invoices, per status (so the comparison above is not empty)
        Map<String, Long> byStatus = new TreeMap<>();
        rollup.forEach((group, value) -> {
          if (group.startsWith(merchant + " true ")) {
            byStatus.merge(group.split(" ")[3], Long.parseLong(value.split(" ")[0]), Long::sum);
          }
        });
        assertThat(byStatus).containsExactlyInAnyOrderEntriesOf(
            Map.of("PAID", 3L, "EXPIRED", 3L, "CANCELLED", 3L, "PENDING", 3L));
        // each invoice's PENDING group was left by those that moved on: there, with 0, in the table
        assertThat(zeroGroups(c, merchant)).isGreaterThanOrEqualTo(6);

        // the stats query (rollup + the range's ends) answers what the invoices answer
        List<Instant[]> ranges = List.of(
            new Instant[] {t0.truncatedTo(ChronoUnit.HOURS), end.truncatedTo(ChronoUnit.HOURS)},
            new Instant[] {t0.minusSeconds(1), end},
            new Instant[] {t0.plusSeconds(1), end.minusSeconds(1)},
            new Instant[] {t0.plus(Duration.ofMinutes(5 * 60 + 47)).minusNanos(500), t0.plus(Duration.ofHours(40))},
            new Instant[] {t0.minusSeconds(60), t0.plusSeconds(60)},
            new Instant[] {t0.minus(2, ChronoUnit.DAYS), end.plus(2, ChronoUnit.DAYS)});
        for (Instant[] range : ranges) {
          for (Granularity g : Granularity.values()) {
            Map<String, String> direct = DirectStats.direct(c, merchant, range[0], range[1], g);
            assertThat(DirectStats.node(c, merchant, range[0], range[1], g)).as(range[0] + " " + range[1] + " " + g)
                .isEqualTo(direct);
          }
        }
        assertThat(DirectStats.direct(c, merchant, ranges.get(1)[0], ranges.get(1)[1], Granularity.DAY).values()
            .stream().mapToLong(v -> Long.parseLong(v.split(" ")[0])).sum()).isEqualTo(12);
      }

      // a redelivered envelope changes nothing: the creation inserts nothing, so adds nothing
      JdbcReadJournal journal = PersistenceQuery.get(node.system().classicSystem())
          .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
      for (Invoice invoice : List.of(live.get(0), live.get(4), live.get(5))) {
        for (EventEnvelope<InvoiceEvent> envelope : events(node, journal, invoice.id())) {
          if (envelope.event() instanceof InvoiceEvent.InvoiceCreated) {
            DataSourceJdbcSession session = new DataSourceJdbcSession(node.database().dataSource());
            try {
              new InvoiceProjectionHandler().process(session, envelope);
              session.commit();
            } finally {
              session.close();
            }
          }
        }
      }
      try (Connection c = connect(db)) {
        assertThat(rollup(c)).isEqualTo(aggregate(c));
      }
    }
  }

  @Test
  void theMigrationFillsTheRollupFromTheInvoicesInUtcHoursWhateverTheSessionTimeZone() throws Exception {
    DbCoordinates db = TestDatabase.fresh();
    // the schema before the rollup, on a session whose time zone is half an hour off the UTC hours
    String sep = db.url().contains("?") ? "&" : "?";
    DbCoordinates kolkata = new DbCoordinates(db.url() + sep + "options=-c%20TimeZone=Asia/Kolkata", db.user(),
        db.password());
    Flyway.configure().dataSource(kolkata.url(), kolkata.user(), kolkata.password())
        .locations("classpath:db/migration").target("050").load().migrate();
    UUID merchant = UUID.randomUUID();
    Instant t0 = Instant.parse("2026-11-30T09:20:00Z");
    try (Connection c = connect(kolkata);
        PreparedStatement ps = c.prepareStatement("""
            INSERT INTO invoices (id, merchant_id, chain, address, status, created_at, expires_at, updated_at,
                                  document, livemode, token, amount_paid)
            VALUES (?, ?, ?, '0xabc', ?, ?, ?, ?, '{}'::jsonb, ?, ?, ?)""")) {
      String[] statuses = {"PAID", "PENDING", "EXPIRED", "CANCELLED", "PARTIALLY_PAID", "PAID"};
      for (int k = 0; k < 30; k++) {
        Instant created = t0.plus(Duration.ofMinutes(k * 23L));
        ps.setObject(1, UUID.randomUUID());
        ps.setObject(2, k % 7 == 0 ? UUID.randomUUID() : merchant);
        ps.setString(3, k % 3 == 0 ? "TRON" : "ETHEREUM");
        ps.setString(4, statuses[k % statuses.length]);
        ps.setObject(5, java.time.OffsetDateTime.ofInstant(created, java.time.ZoneOffset.UTC));
        ps.setObject(6, java.time.OffsetDateTime.ofInstant(created.plusSeconds(1800), java.time.ZoneOffset.UTC));
        ps.setObject(7, java.time.OffsetDateTime.ofInstant(created, java.time.ZoneOffset.UTC));
        ps.setBoolean(8, k % 5 != 0);
        ps.setString(9, k % 4 == 0 ? "USDC" : "USDT");
        ps.setBigDecimal(10, statuses[k % statuses.length].contains("PAID") ? new BigDecimal(k + ".000001")
            : BigDecimal.ZERO);
        ps.executeUpdate();
      }
    }
    Flyway.configure().dataSource(kolkata.url(), kolkata.user(), kolkata.password())
        .locations("classpath:db/migration").load().migrate();
    try (Connection c = connect(db)) {
      Map<String, String> rollup = rollup(c);
      assertThat(rollup).isEqualTo(aggregate(c)).hasSizeGreaterThan(10);
      assertThat(rollup.keySet()).allMatch(group -> group.split(" ")[2].endsWith(":00:00Z"));
      for (Granularity g : Granularity.values()) {
        Instant from = t0.minusSeconds(7);
        Instant to = t0.plus(Duration.ofHours(11)).plusSeconds(13);
        assertThat(DirectStats.node(c, merchant, from, to, g)).isEqualTo(DirectStats.direct(c, merchant, from, to, g))
            .isNotEmpty();
      }
    }
  }

  private static Invoice create(TestNode node, InvoiceTerms terms) throws Exception {
    return get(node.invoices().create(new NewInvoice(UUID.randomUUID(), terms)));
  }

  private static void pay(TestNode node, TestClock clock, Invoice invoice, BigDecimal amount, int n)
      throws Exception {
    Transfer transfer = new Transfer(Chain.ETHEREUM, "0x" + String.format("%064x", n), 0, Invoices.randomEvmWallet(),
        invoice.address(), amount, 100 + n, "0x" + "cd".repeat(32), clock.instant());
    assertThat(get(node.matcher().observeAll(List.of(transfer), t -> 1))).singleElement()
        .isInstanceOf(Observation.Recorded.class);
    get(node.matcher().confirm(invoice.id(), transfer.key(), invoice.requiredConfirmations()));
  }

  private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @SuppressWarnings("unchecked")
  private static List<EventEnvelope<InvoiceEvent>> events(TestNode node, JdbcReadJournal journal, UUID id)
      throws Exception {
    String persistenceId = PersistenceId.of(InvoiceEntity.ENTITY_KEY.name(), id.toString()).id();
    return get(journal.currentEventsByPersistenceId(persistenceId, 0, Long.MAX_VALUE)
        .map(e -> EventEnvelope.create(e.offset(), e.persistenceId(), e.sequenceNr(), (InvoiceEvent) e.event(),
            e.timestamp()))
        .runWith(Sink.seq(), node.system()));
  }

  private static Connection connect(DbCoordinates db) throws SQLException {
    return DriverManager.getConnection(db.url(), db.user(), db.password());
  }

  private static String projected(Connection c, UUID id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT status FROM invoices WHERE id = ?")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** The rollup's groups that hold invoices: "merchant livemode hour status chain token" → "count amount". */
  private static Map<String, String> rollup(Connection c) throws SQLException {
    return groups(c, """
        SELECT merchant_id, livemode, hour, status, chain, token, invoices, amount_paid
        FROM invoice_stats_hourly WHERE invoices <> 0 OR amount_paid <> 0""");
  }

  /** The same, aggregated straight from the invoices. */
  private static Map<String, String> aggregate(Connection c) throws SQLException {
    return groups(c, """
        SELECT merchant_id, livemode, date_bin(interval '1 hour', created_at, TIMESTAMPTZ '1970-01-01 00:00:00+00'),
               status, chain, token, count(*), sum(amount_paid)
        FROM invoices GROUP BY 1, 2, 3, 4, 5, 6""");
  }

  private static Map<String, String> groups(Connection c, String sql) throws SQLException {
    Map<String, String> groups = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        BigDecimal amount = rs.getBigDecimal(8);
        groups.put(rs.getObject(1) + " " + rs.getBoolean(2) + " " + rs.getTimestamp(3).toInstant() + " "
                + rs.getString(4) + " " + rs.getString(5) + " " + rs.getString(6),
            rs.getLong(7) + " " + (amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString()));
      }
    }
    return groups;
  }

  private static long zeroGroups(Connection c, UUID merchant) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT count(*) FROM invoice_stats_hourly WHERE merchant_id = ? AND invoices = 0 AND amount_paid = 0")) {
      ps.setObject(1, merchant);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
