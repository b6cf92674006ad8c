package io.stablegate.http.bench;

import com.typesafe.config.ConfigFactory;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.persistence.testing.Invoices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
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
 * Load benchmark (not a test) of {@code POST /api/v1/invoices} over keep-alive HTTP, side by side
 * with its raw-database baseline: a whole node on embedded PostgreSQL in this JVM ({@link ApiTestServer}: the
 * composition root, with a read-side pool of {@code dbPool} connections as production would size it), N
 * concurrent clients, each a merchant with its own wallet (one WalletLedger allocates one payAmount
 * at a time, so traffic is spread over many wallets as real traffic is), and, at the same
 * concurrency against the same server, {@code pgbench} doing one invoice's writes per transaction
 * ({@link PgbenchBaseline}). Prints, per concurrency, rate, p50/p99/p99.9, errors, CPU and memory.
 *
 * <p>Arguments: {@code [clients=16,64,256] [seconds=30] [warmupSeconds=10] [dbPoolSize=20] [baseline=on|off]}.
 * See docs/performance.md.
 */
public final class CreateInvoiceBenchmark {

  public static void main(String[] args) throws Exception {
    int[] clientCounts = Arrays.stream((args.length > 0 ? args[0] : "16,64,256").split(","))
        .mapToInt(Integer::parseInt).toArray();
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int poolSize = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    boolean baseline = args.length <= 4 || !args[4].equals("off");
    int maxClients = Arrays.stream(clientCounts).max().orElseThrow();
    List<String> table = new ArrayList<>();
    try (ApiTestServer server = new ApiTestServer(ConfigFactory.parseString(
        "stablegate.db.pool-size = " + poolSize + "\npekko.loglevel = WARNING"))) {
      List<ApiClient> merchants = signUp(server, maxClients);
      ResourceSampler sampler = new ResourceSampler(postmasterPid(server));
      run(server, merchants.subList(0, Math.min(64, maxClients)), warmup, sampler);
      PgbenchBaseline pgbench = baseline ? PgbenchBaseline.prepare(server.dataSource(), Path.of("target", "pgbench")) : null;
      if (pgbench != null) {
        System.out.println("baseline script: " + pgbench.script().toAbsolutePath());
      }
      for (int clients : clientCounts) {
        if (pgbench != null) {
          PgbenchBaseline.Result base = pgbench.run(clients, seconds, sampler);
          table.add(String.format("| %d | pgbench (one invoice's writes) | %.0f tx/s | %.1f ms | %.1f ms | %.1f ms | %d | %s |",
              clients, base.transactionsPerSecond(), base.p50Ms(), base.p99Ms(), base.p999Ms(), base.failed(),
              base.usage().describe()));
          System.out.println(table.getLast());
        }
        HttpRun api = run(server, merchants.subList(0, clients), seconds, sampler);
        table.add(String.format("| %d | POST /api/v1/invoices | %.0f invoices/s | %.1f ms | %.1f ms | %.1f ms | %d | %s |",
            clients, api.perSecond(), api.percentileMs(0.50), api.percentileMs(0.99), api.percentileMs(0.999),
            api.failures(), api.usage().describe()));
        System.out.println(table.getLast());
      }
    }
    System.out.println();
    System.out.println("| clients | what | rate | p50 | p99 | p99.9 | errors | resources |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    table.forEach(System.out::println);
    System.exit(0);
  }

  private record HttpRun(long[] sortedLatencies, double seconds, long failures, ResourceSampler.Usage usage) {
    double perSecond() {
      return sortedLatencies.length / seconds;
    }

    double percentileMs(double p) {
      if (sortedLatencies.length == 0) {
        return Double.NaN;
      }
      return sortedLatencies[Math.min(sortedLatencies.length - 1, (int) Math.ceil(p * sortedLatencies.length) - 1)] / 1e6;
    }
  }

  private static List<ApiClient> signUp(ApiTestServer server, int count) throws Exception {
    // bcrypt makes sign-up slow on purpose; a few at a time
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<ApiClient>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(pool.submit(() -> {
          ApiClient merchant = server.client().signUp();
          merchant.withSession("PUT", "/api/v1/wallets/ETHEREUM", Map.of("address", Invoices.randomEvmWallet()));
          return merchant;
        }));
      }
      List<ApiClient> merchants = new ArrayList<>();
      for (Future<ApiClient> f : futures) {
        merchants.add(f.get());
      }
      return merchants;
    }
  }

  /** The PostgreSQL server process: the parent of the backend serving this connection. */
  private static long postmasterPid(ApiTestServer server) throws Exception {
    try (Connection c = server.dataSource().getConnection(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return ProcessHandle.of(rs.getLong(1)).flatMap(ProcessHandle::parent).orElseThrow().pid();
    }
  }

  private static final AtomicLong AMOUNTS = new AtomicLong(1);

  /** Every client sends its next request when the previous one is answered, over one kept-alive connection. */
  private static HttpRun run(ApiTestServer server, List<ApiClient> merchants, int seconds, ResourceSampler sampler)
      throws Exception {
    System.err.printf("# %d clients for %d s%n", merchants.size(), seconds);
    AtomicLong failures = new AtomicLong();
    List<Future<List<Long>>> results = new ArrayList<>();
    ResourceSampler.Phase phase = sampler.start(null);
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(seconds).toNanos();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (ApiClient merchant : merchants) {
        results.add(pool.submit(() -> {
          List<Long> own = new ArrayList<>();
          try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            while (System.nanoTime() < deadline) {
              // A distinct amount per request, so no wallet runs out of payAmount slots.
              String body = "{\"amount\": \"" + AMOUNTS.getAndIncrement() + ".5\", \"chain\": \"ETHEREUM\"}";
              HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/invoices"))
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + merchant.apiKey())
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build();
              long t0 = System.nanoTime();
              try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 201) {
                  own.add(System.nanoTime() - t0);
                } else {
                  failures.incrementAndGet();
                }
              } catch (java.io.IOException e) {
                failures.incrementAndGet();
              }
            }
          }
          return own;
        }));
      }
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    ResourceSampler.Usage usage = phase.stop();
    List<Long> all = new ArrayList<>();
    for (Future<List<Long>> result : results) {
      all.addAll(result.get());
    }
    long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
    return new HttpRun(sorted, elapsed, failures.get(), usage);
  }
}
