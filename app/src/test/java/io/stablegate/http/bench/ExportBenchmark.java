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
import io.stablegate.persistence.testing.Invoices;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Benchmark (not a test) of {@code GET /api/v1/invoices/export}: N invoices of one merchant (each
 * with a final payment and metadata) written straight into the read table, then exported over HTTP
 * on loopback by a client that reads the stream and keeps nothing. Prints rows, bytes, time and the
 * peak heap of this JVM (server and client) during the export, from the JVM's own per-pool peaks;
 * run with a small {@code -Xmx} (bench/run export uses 256 MB) so that a non-streaming export would
 * fail instead of merely looking slow.
 *
 * <p>Arguments: {@code [invoices=100000] [format=csv|json]}.
 */
public final class ExportBenchmark {
  private static final Logger log = LoggerFactory.getLogger(ExportBenchmark.class);

  public static void main(String[] args) throws Exception {
    int invoices = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    String format = args.length > 1 ? args[1] : "csv";
    try (ApiTestServer server = new ApiTestServer()) {
      ApiClient merchant = server.client().signUp();
      Instant start = Instant.parse("2026-11-01T00:00:00Z");
      long seeding = System.nanoTime();
      seed(server, merchant.merchantId(), invoices, start);
      log.info("seeded {} invoices in {} s", invoices, (System.nanoTime() - seeding) / 1_000_000_000);

      HttpClient http = HttpClient.newHttpClient();
      HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl()
              + "/api/v1/invoices/export?from=2026-11-01&to=2026-12-01&format=" + format))
          .header("Authorization", "Bearer " + merchant.apiKey()).build();
      System.gc();
      List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP).toList();
      long before = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
      heap.forEach(MemoryPoolMXBean::resetPeakUsage);
      long began = System.nanoTime();
      HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      long bytes = 0;
      long lines = 0;
      byte[] buffer = new byte[65536];
      try (InputStream body = response.body()) {
        for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
          bytes += n;
          for (int i = 0; i < n; i++) {
            if (buffer[i] == '\n') {
              lines++;
            }
          }
        }
      }
      double seconds = (System.nanoTime() - began) / 1e9;
      long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
      long rows = format.equals("csv") ? lines - 1 : lines;
      System.out.printf(Locale.ROOT, "export %s: status %d, %,d rows (%,d invoices seeded), %,.1f MB in %.2f s: "
              + "%,.0f rows/s; heap before %d MB, peak during the export %d MB (max heap %d MB)%n",
          format, response.statusCode(), rows, invoices, bytes / 1e6, seconds, rows / seconds,
          before >> 20, peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
    }
  }

  /** N invoices of the merchant, one a second from {@code start}, each PAID by one final payment. */
  private static void seed(ApiTestServer server, UUID merchantId, int count, Instant start) throws Exception {
    String wallet = Invoices.randomEvmWallet();
    try (Connection c = server.dataSource().getConnection();
        PreparedStatement insert = c.prepareStatement("""
            INSERT INTO invoices (id, merchant_id, chain, address, status, order_id, created_at, expires_at, updated_at,
                                  document)
            VALUES (?, ?, 'ETHEREUM', ?, 'PAID', ?, ?, ?, ?, ?::jsonb)""")) {
      c.setAutoCommit(false);
      for (int i = 0; i < count; i++) {
        UUID id = UUID.randomUUID();
        Instant created = start.plusSeconds(i);
        BigDecimal amount = new BigDecimal(10 + i % 1000).add(new BigDecimal("0.25"));
        BigDecimal payAmount = amount.add(new BigDecimal("0.0001").multiply(BigDecimal.valueOf(i % 100)));
        InvoiceTerms terms = new InvoiceTerms(merchantId, Chain.ETHEREUM, wallet, amount, "order-" + i,
            i % 3 == 0 ? "two mugs, \"blue\"" : null, "{\"cart\":" + i + "}", created.plusSeconds(1800),
            "https://shop.example.com/orders/" + i, null, Token.USDT);
        Payment payment = new Payment("0x" + String.format("%064x", i), 3, wallet, payAmount, 1000 + i, 12,
            PaymentStatus.FINAL, created.plusSeconds(60));
        Invoice invoice = new Invoice(id, new InvoiceDraft(terms, payAmount, 12), created, InvoiceStatus.PAID,
            List.of(payment), false, created.plusSeconds(120), "0".repeat(64), List.of());
        insert.setObject(1, id);
        insert.setObject(2, merchantId);
        insert.setString(3, wallet);
        insert.setString(4, "order-" + i);
        insert.setTimestamp(5, Timestamp.from(created));
        insert.setTimestamp(6, Timestamp.from(created.plusSeconds(1800)));
        insert.setTimestamp(7, Timestamp.from(created.plusSeconds(120)));
        insert.setString(8, ReadModelJson.write(invoice));
        insert.addBatch();
        if (i % 1000 == 999) {
          insert.executeBatch();
          c.commit();
        }
      }
      insert.executeBatch();
      c.commit();
    }
  }
}
