package io.stablegate.persistence.bench;

import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.db.EmbeddedPostgresServer;
import io.stablegate.persistence.testing.Invoices;
import io.stablegate.persistence.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Invoice creation through the sharded entities (wallet-ledger allocation, then the invoice entity)
 * on embedded PostgreSQL with durable commits: invoices persisted per second and latency percentiles
 * at a given number of concurrent creators, each with its own merchant wallet.
 *
 * <pre>
 * mvn -o -q -pl persistence -am test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.stablegate.persistence.bench.InvoiceCreationBench -Dexec.args="64 20000"
 * </pre>
 */
public final class InvoiceCreationBench {

  public static void main(String[] args) throws Exception {
    int creators = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    int total = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    Path dir = Files.createTempDirectory("stablegate-bench-pg");
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir, 0, true)) {
      DbCoordinates db = server.database("bench");
      try (TestNode node = new TestNode(db)) {
        run(node, creators, Math.max(1_000, total / 10), "warm-up");
        long cpuBefore = jvmCpuNanos();
        long snapshotReadsBefore = snapshotReads(node);
        long[] latencies = run(node, creators, total, "measured");
        report(creators, total, latencies);
        System.out.printf("jvm cpu per invoice: %.2f ms; snapshot-table reads per invoice: %.2f%n",
            (jvmCpuNanos() - cpuBefore) / 1e6 / total, (snapshotReads(node) - snapshotReadsBefore) / (double) total);
      }
    }
  }

  private static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Index and sequential scans of the snapshot table so far (PostgreSQL's statistics, updated within a second). */
  private static long snapshotReads(TestNode node) throws Exception {
    Thread.sleep(1_000); // statistics are flushed to the cumulative views about once a second (bench only)
    try (var c = node.database().dataSource().getConnection(); var st = c.createStatement();
         var rs = st.executeQuery("SELECT coalesce(idx_scan, 0) + coalesce(seq_scan, 0) FROM pg_stat_user_tables "
             + "WHERE relname = 'snapshot'")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private static long[] run(TestNode node, int creators, int total, String phase) throws Exception {
    List<String> wallets = new ArrayList<>();
    for (int i = 0; i < creators; i++) {
      wallets.add(Invoices.randomEvmWallet());
    }
    Instant expiresAt = Instant.now().plus(Duration.ofHours(1));
    long[] latencies = new long[total];
    AtomicInteger next = new AtomicInteger();
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int c = 0; c < creators; c++) {
      String wallet = wallets.get(c);
      loops.add(loop(node, wallet, expiresAt, next, total, latencies, errors));
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get();
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("%s: %d invoices in %.2f s = %.0f invoices/s, %d errors%n",
        phase, total, seconds, total / seconds, errors.get());
    return latencies;
  }

  /** One creator: creates an invoice, waits for the answer, creates the next. */
  private static CompletableFuture<Void> loop(TestNode node, String wallet, Instant expiresAt, AtomicInteger next,
      int total, long[] latencies, AtomicLong errors) {
    int index = next.getAndIncrement();
    if (index >= total) {
      return CompletableFuture.completedFuture(null);
    }
    long started = System.nanoTime();
    // distinct amounts per wallet keep the ledger from running out of payAmount steps
    String amount = (10 + index) + ".25";
    return node.invoices().create(Invoices.newInvoice(wallet, amount, expiresAt)).toCompletableFuture()
        .handle((invoice, error) -> {
          latencies[index] = System.nanoTime() - started;
          if (error != null) {
            errors.incrementAndGet();
          }
          return null;
        })
        .thenCompose(v -> loop(node, wallet, expiresAt, next, total, latencies, errors));
  }

  private static void report(int creators, int total, long[] latencies) {
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    System.out.printf("creators=%d invoices=%d p50=%.1f ms p99=%.1f ms p99.9=%.1f ms max=%.1f ms%n",
        creators, total, percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 99.9),
        sorted[sorted.length - 1] / 1e6);
  }

  private static double percentile(long[] sorted, double p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }
}
