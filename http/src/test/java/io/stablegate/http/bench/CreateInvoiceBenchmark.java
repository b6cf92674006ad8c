package io.stablegate.http.bench;

import io.stablegate.http.testing.ApiClient;
import io.stablegate.persistence.testing.Invoices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load benchmark (not a test) of {@code POST /api/v1/invoices} over keep-alive HTTP: a node on
 * embedded PostgreSQL in this JVM, {@code clients} concurrent clients, each a merchant with its own
 * wallet (one WalletLedger allocates one payAmount at a time, one journal write each, so traffic is
 * spread over many wallets as real traffic is). Prints invoices/s and p50/p99 latency.
 *
 * <p>Arguments: {@code [clients=64] [seconds=30] [warmupSeconds=10] [dbPoolSize=20]}. See
 * docs/performance-api.md.
 */
public final class CreateInvoiceBenchmark {

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int poolSize = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    try (BenchNode server = new BenchNode(poolSize)) {
      List<ApiClient> merchants = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        ApiClient merchant = server.client().signUp();
        merchant.withSession("PUT", "/api/v1/wallets/ETHEREUM", Map.of("address", Invoices.randomEvmWallet()));
        merchants.add(merchant);
      }
      // One HttpClient per merchant: HTTP/1.1 with a kept-alive connection each.
      List<HttpClient> connections = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        connections.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
      }
      run(server, merchants, connections, warmup, new AtomicLong());
      AtomicLong failures = new AtomicLong();
      long start = System.nanoTime();
      long[] latencies = run(server, merchants, connections, seconds, failures);
      double elapsed = (System.nanoTime() - start) / 1e9;
      Arrays.sort(latencies);
      System.out.printf("clients=%d duration=%.1fs invoices=%d failures=%d throughput=%.1f invoices/s "
              + "p50=%.1fms p99=%.1fms max=%.1fms%n",
          clients, elapsed, latencies.length, failures.get(), latencies.length / elapsed,
          percentile(latencies, 0.50), percentile(latencies, 0.99), latencies[latencies.length - 1] / 1e6);
    }
    System.exit(0);
  }

  private static long[] run(BenchNode server, List<ApiClient> merchants, List<HttpClient> connections,
      int seconds, AtomicLong failures) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(merchants.size());
    List<Future<List<Long>>> results = new ArrayList<>();
    AtomicLong amounts = new AtomicLong(1);
    for (int i = 0; i < merchants.size(); i++) {
      ApiClient merchant = merchants.get(i);
      HttpClient http = connections.get(i);
      results.add(pool.submit(() -> {
        List<Long> own = new ArrayList<>();
        while (System.nanoTime() < deadline) {
          // A distinct amount per request, so no wallet runs out of payAmount slots.
          String body = "{\"amount\": \"" + amounts.getAndIncrement() + ".5\", \"chain\": \"ETHEREUM\"}";
          HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/invoices"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .header("Authorization", "Bearer " + merchant.apiKey())
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
          long t0 = System.nanoTime();
          HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
          long t1 = System.nanoTime();
          if (response.statusCode() == 201) {
            own.add(t1 - t0);
          } else {
            failures.incrementAndGet();
          }
        }
        return own;
      }));
    }
    List<Long> all = new ArrayList<>();
    for (Future<List<Long>> result : results) {
      all.addAll(result.get());
    }
    pool.shutdown();
    return all.stream().mapToLong(Long::longValue).toArray();
  }

  private static double percentile(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }
}
