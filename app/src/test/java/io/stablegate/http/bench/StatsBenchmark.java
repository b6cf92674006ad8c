package io.stablegate.http.bench;

import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceDraft;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.invoice.Payment;
import io.stablegate.engine.invoice.PaymentStatus;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.persistence.projection.ReadModelJson;
import io.stablegate.persistence.projection.StatsRollup;
import io.stablegate.persistence.stats.StatsRepository;
import io.stablegate.persistence.testing.DirectStats;
import io.stablegate.persistence.testing.Invoices;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Benchmark (not a test) of {@code GET /api/v1/stats}: one merchant with N invoices (default
 * 1,000,000) created evenly over the last {@code days} days, written into the read table by one bulk
 * SQL statement per status from a document the projection itself would write (ReadModelJson of a real
 * {@link Invoice}), with the status mix of a real shop (70 % PAID with a final payment, 25 % EXPIRED,
 * 5 % CANCELLED; none PENDING, as none older than its 30 minutes would be), three chains, one webhook delivery per invoice (0.5 % of them FAILED) and
 * 2,000 open unmatched transfers; then the stats rollup is built from the table (the bulk load bypassed the
 * projection that keeps it; {@link StatsRollup#REBUILD}, what migration V051 does) and VACUUM ANALYZE run
 * (what autovacuum does after a bulk load). Another merchant's 200,000 invoices share the table.
 *
 * <p>Then the last 30 days at day granularity (and the last 7 days at hour granularity) are asked
 * over HTTP on loopback, after 100 warm-up requests each: by {@code wrk} (one connection, outside this JVM, its latency percentiles) if it
 * is on the PATH, and always by a JDK client in this JVM (sequential requests, exact p50/p99). The
 * answer's totals are checked against a count in SQL first, and the plans of the node's three queries printed.
 *
 * <p>Arguments: {@code [invoices=1000000] [days=365] [seconds=30]}.
 */
public final class StatsBenchmark {
  private static final Logger log = LoggerFactory.getLogger(StatsBenchmark.class);

  public static void main(String[] args) throws Exception {
    int invoices = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int days = args.length > 1 ? Integer.parseInt(args[1]) : 365;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    try (ApiTestServer server = new ApiTestServer()) {
      ApiClient merchant = server.client().signUp();
      ApiClient other = server.client().signUp();
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      long seeding = System.nanoTime();
      seed(server, merchant.merchantId(), invoices, days, now);
      seed(server, other.merchantId(), 200_000, days, now);
      try (Connection c = server.dataSource().getConnection()) {
        // the bulk load bypassed the projection: build the stats rollup from the table, as migration V051 does
        c.setAutoCommit(false);
        StatsRollup.rebuild(c);
        c.commit();
        c.setAutoCommit(true);
      }
      try (Connection c = server.dataSource().getConnection(); Statement st = c.createStatement()) {
        st.execute("VACUUM ANALYZE invoice_stats_hourly");
        st.execute("VACUUM ANALYZE invoices");
        st.execute("VACUUM ANALYZE webhook_deliveries");
        st.execute("VACUUM ANALYZE unmatched_transfers");
      }
      log.info("seeded in {} s", (System.nanoTime() - seeding) / 1_000_000_000);

      String month = "/api/v1/stats?from=" + now.minus(30, ChronoUnit.DAYS) + "&to=" + now + "&granularity=day";
      String week = "/api/v1/stats?from=" + now.minus(7, ChronoUnit.DAYS) + "&to=" + now + "&granularity=hour";
      String answer = get(server.baseUrl() + month, merchant.apiKey()).body();
      long expected = count(server, merchant.merchantId(), now.minus(30, ChronoUnit.DAYS), now);
      if (!answer.contains("\"created\":" + expected + ",")) {
        throw new IllegalStateException("stats answered " + answer.substring(0, Math.min(300, answer.length()))
            + " but the merchant has " + expected + " invoices in the range");
      }
      System.out.printf(Locale.ROOT, "# %,d invoices of one merchant over %d days (%,d in the last 30 days), "
          + "%,d of another merchant; answer %,d bytes%n", invoices, days, expected, 200_000, answer.length());
      try (Connection c = server.dataSource().getConnection()) {
        for (StatsRepository.Granularity g : StatsRepository.Granularity.values()) {
          Instant from = now.minus(g == StatsRepository.Granularity.DAY ? 30 : 7, ChronoUnit.DAYS);
          if (!DirectStats.node(c, merchant.merchantId(), from, now, g)
              .equals(DirectStats.direct(c, merchant.merchantId(), from, now, g))) {
            throw new IllegalStateException("the rollup's aggregate by " + g + " differs from the invoices'");
          }
        }
      }
      System.out.println("# the rollup's aggregates (30 days by day, 7 by hour) equal those of the invoices");
      explain(server, merchant.merchantId(), now.minus(30, ChronoUnit.DAYS), now);
      for (String path : List.of(month, week)) {
        for (int i = 0; i < 100; i++) {
          get(server.baseUrl() + path, merchant.apiKey()); // warm-up (JIT, pool, caches)
        }
        wrk(server.baseUrl() + path, merchant.apiKey(), seconds);
        jdk(server.baseUrl() + path, merchant.apiKey(), seconds);
      }
    }
  }

  /** {@code count} invoices of the merchant created evenly over the {@code days} days before {@code now}. */
  private static void seed(ApiTestServer server, UUID merchantId, int count, int days, Instant now)
      throws Exception {
    String wallet = Invoices.randomEvmWallet();
    Instant start = now.minus(days, ChronoUnit.DAYS);
    double step = days * 86_400_000.0 / count;
    // the document of a real paid invoice; each row overrides id, status and dates
    InvoiceTerms terms = new InvoiceTerms(merchantId, Chain.ETHEREUM, wallet, new BigDecimal("25.5"), "order-1",
        "two mugs", "{\"cart\":1}", start.plusSeconds(1800), "https://shop.example.com/orders/1", null, Token.USDT);
    Payment payment = new Payment("0x" + "ab".repeat(32), 3, Invoices.randomEvmWallet(), new BigDecimal("25.5012"),
        1000, 12, PaymentStatus.FINAL, start.plusSeconds(60));
    Invoice template = new Invoice(UUID.randomUUID(), new InvoiceDraft(terms, new BigDecimal("25.5012"), 12), start,
        InvoiceStatus.PAID, List.of(payment), false, start.plusSeconds(120), "0".repeat(64), List.of());
    try (Connection c = server.dataSource().getConnection();
        PreparedStatement insert = c.prepareStatement("""
            INSERT INTO invoices (id, merchant_id, chain, address, status, order_id, created_at, expires_at,
                                  updated_at, document, livemode, token, amount_paid)
            SELECT id, ?, chain, ?, status, 'order-' || n, created, created + interval '30 minutes',
                   created + interval '2 minutes',
                   ?::jsonb || jsonb_build_object('id', id, 'status', status, 'createdAt', created,
                                                  'chain', chain, 'orderId', 'order-' || n),
                   true, 'USDT', CASE WHEN status = 'PAID' THEN 10 + (n % 1000) + 0.0001 * (n % 100) ELSE 0 END
            FROM (SELECT n, gen_random_uuid() AS id,
                         ?::timestamptz + (n * ?) * interval '1 millisecond' AS created,
                         CASE n % 20 WHEN 0 THEN 'CANCELLED' WHEN 1 THEN 'EXPIRED'
                                     WHEN 2 THEN 'EXPIRED' WHEN 3 THEN 'EXPIRED' WHEN 4 THEN 'EXPIRED'
                                     WHEN 5 THEN 'EXPIRED' ELSE 'PAID' END AS status,
                         CASE n % 3 WHEN 0 THEN 'ETHEREUM' WHEN 1 THEN 'TRON' ELSE 'BSC' END AS chain
                  FROM generate_series(0, ? - 1) AS n) rows""");
        PreparedStatement deliveries = c.prepareStatement("""
            INSERT INTO webhook_deliveries (event_id, invoice_id, type, status, attempts, next_attempt_at,
                                            created_at, updated_at)
            SELECT gen_random_uuid(), id, 'invoice.paid',
                   CASE WHEN abs(hashtext(id::text)) % 200 = 0 THEN 'FAILED' ELSE 'DELIVERED' END, 1, NULL,
                   created_at, created_at
            FROM invoices WHERE merchant_id = ?""");
        PreparedStatement unmatched = c.prepareStatement("""
            INSERT INTO unmatched_transfers (chain, tx_hash, log_index, from_address, to_address, amount,
                                             block_number, seen_at)
            SELECT 'ETHEREUM', '0x' || lpad(to_hex(n), 64, '0') || ?, 0, ?, ?, 12.5, n,
                   ?::timestamptz + (n * ?) * interval '1 millisecond'
            FROM generate_series(0, 1999) AS n""");
        PreparedStatement walletRow = c.prepareStatement("""
            INSERT INTO merchant_wallets (merchant_id, chain, address, updated_at) VALUES (?, 'ETHEREUM', ?, now())""")) {
      insert.setObject(1, merchantId);
      insert.setString(2, wallet);
      insert.setString(3, ReadModelJson.write(template));
      insert.setTimestamp(4, Timestamp.from(start));
      insert.setDouble(5, step);
      insert.setInt(6, count);
      log.info("inserted {} invoices", insert.executeUpdate());
      deliveries.setObject(1, merchantId);
      log.info("inserted {} webhook deliveries", deliveries.executeUpdate());
      walletRow.setObject(1, merchantId);
      walletRow.setString(2, wallet);
      walletRow.executeUpdate();
      unmatched.setString(1, merchantId.toString().substring(0, 8));
      unmatched.setString(2, Invoices.randomEvmWallet());
      unmatched.setString(3, wallet);
      unmatched.setTimestamp(4, Timestamp.from(start));
      unmatched.setDouble(5, days * 86_400_000.0 / 2000);
      unmatched.executeUpdate();
    }
  }

  private static long count(ApiTestServer server, UUID merchantId, Instant from, Instant to) throws Exception {
    try (Connection c = server.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT count(*) FROM invoices WHERE merchant_id = ? AND created_at >= ? AND created_at < ?")) {
      ps.setObject(1, merchantId);
      ps.setTimestamp(2, Timestamp.from(from));
      ps.setTimestamp(3, Timestamp.from(to));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The plans of the node's three queries (StatsRepository's own SQL), so the figure says what it measured. */
  private static void explain(ApiTestServer server, UUID merchantId, Instant from, Instant to) throws Exception {
    try (Connection c = server.dataSource().getConnection()) {
      System.out.println("# before: the aggregate straight from the invoices (30 days by day):");
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + DirectStats.GROUPS)) {
        DirectStats.bind(ps, merchantId, from, to, StatsRepository.Granularity.DAY);
        print(ps);
      }
      System.out.println("# the aggregate (30 days by day):");
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + StatsRepository.GROUPS)) {
        StatsRepository.bind(ps, merchantId, from, to, StatsRepository.Granularity.DAY);
        print(ps);
      }
      System.out.println("# the open unmatched transfers:");
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + StatsRepository.UNMATCHED_OPEN)) {
        ps.setObject(1, merchantId);
        ps.setTimestamp(2, Timestamp.from(from));
        ps.setTimestamp(3, Timestamp.from(to));
        print(ps);
      }
      System.out.println("# the webhook deliveries that gave up:");
      try (PreparedStatement ps =
          c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + StatsRepository.WEBHOOK_FAILURES)) {
        ps.setTimestamp(1, Timestamp.from(from));
        ps.setTimestamp(2, Timestamp.from(to));
        ps.setObject(3, merchantId);
        ps.setObject(4, merchantId);
        print(ps);
      }
    }
  }

  /** The plan with the first run's figures, then the execution times of five more (cache warm). */
  private static void print(PreparedStatement ps) throws Exception {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        System.out.println("#   " + rs.getString(1));
      }
    }
    List<String> again = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getString(1).startsWith("Execution Time")) {
            again.add(rs.getString(1).replace("Execution Time: ", ""));
          }
        }
      }
    }
    System.out.println("#   run again: " + String.join(", ", again));
  }

  private static HttpResponse<String> get(String url, String apiKey) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + apiKey).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Sequential requests for {@code seconds} from this JVM (after 20 warm-up ones): exact percentiles. */
  private static void jdk(String url, String apiKey, int seconds) throws Exception {
    for (int i = 0; i < 20; i++) {
      get(url, apiKey);
    }
    List<Long> nanos = new ArrayList<>();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (System.nanoTime() < end) {
      long began = System.nanoTime();
      HttpResponse<String> response = get(url, apiKey);
      nanos.add(System.nanoTime() - began);
      if (response.statusCode() != 200) {
        throw new IllegalStateException("status " + response.statusCode() + ": " + response.body());
      }
    }
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(Locale.ROOT, "jdk client, 1 connection, %s: %d requests, p50 %.1f ms, p99 %.1f ms, "
            + "max %.1f ms%n", query(url), sorted.length, percentile(sorted, 50), percentile(sorted, 99),
        sorted[sorted.length - 1] / 1e6);
  }

  /** wrk from outside this JVM, one thread and one connection, with its latency distribution. */
  private static void wrk(String url, String apiKey, int seconds) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("wrk", "-t1", "-c1", "-d" + seconds + "s", "--latency",
        "-H", "Authorization: Bearer " + apiKey, url).redirectErrorStream(true);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      System.out.println("# wrk is not on the PATH: only the JDK client's figures follow");
      return;
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    System.out.println("wrk, 1 connection, " + query(url) + ":");
    Arrays.stream(out.split("\n")).filter(l -> l.contains("Latency") || l.matches("\\s+(50|90|99)%.*")
        || l.contains("requests in") || l.contains("Non-2xx")).forEach(l -> System.out.println("  " + l.strip()));
    Path log = Path.of("target", "stats-benchmark-wrk.txt");
    Files.writeString(log, out, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }

  private static String query(String url) {
    String q = url.substring(url.indexOf('?') + 1);
    return q.contains("granularity=hour") ? "last 7 days by hour" : "last 30 days by day";
  }

  private static double percentile(long[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }
}
