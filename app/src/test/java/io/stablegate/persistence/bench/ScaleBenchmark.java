package io.stablegate.persistence.bench;

import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.db.EmbeddedPostgresServer;
import io.stablegate.persistence.testing.Invoices;
import io.stablegate.persistence.testing.TestNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Scale benchmark (not a test): invoices created over time through the sharded entities on embedded
 * PostgreSQL with durable commits, with passivation on (idle invoices leave memory after
 * {@code idleSeconds}) and invoices ending as in production (each expires after 10 minutes unpaid,
 * and its payAmount is held 5 minutes more). Every 15 s it prints the invoices created, the rate, the invoice entities in
 * memory, the heap in use after the last collection and the process RSS, to show that memory follows
 * the active invoices, not the total. At the end it lets the sampled invoices passivate and wakes 1,000
 * of them one at a time: the time of a {@code Get} to a passivated invoice is its recovery from the
 * journal (p50/p99/max).
 *
 * <p>Arguments: {@code [invoices=1000000] [maxMinutes=60] [creators=64] [wallets=1000] [idleSeconds=30]}.
 * It stops creating at whichever limit comes first and says which.
 */
public final class ScaleBenchmark {

  public static void main(String[] args) throws Exception {
    long target = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    long maxMinutes = args.length > 1 ? Long.parseLong(args[1]) : 60;
    int creators = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    int walletCount = args.length > 3 ? Integer.parseInt(args[3]) : 1_000;
    int idleSeconds = args.length > 4 ? Integer.parseInt(args[4]) : 30;
    Path dir = Files.createTempDirectory(Path.of("target"), "scale-pg");
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir, 0, true)) {
      DbCoordinates db = server.database("scale");
      try (TestNode node = new TestNode(db, ConfigFactory.parseString(
          "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout = " + idleSeconds + "s\n"
              + "pekko.loglevel = WARNING\n"
              + "stablegate.ledger.late-payment-window = 5m\n"
              + "stablegate.expiry.sweep-interval = 1s"))) {
        run(node, target, Duration.ofMinutes(maxMinutes), creators, walletCount, idleSeconds);
      }
    }
    System.exit(0);
  }

  private static void run(TestNode node, long target, Duration maxTime, int creators, int walletCount,
      int idleSeconds) throws Exception {
    List<String> wallets = new ArrayList<>();
    for (int i = 0; i < walletCount; i++) {
      wallets.add(Invoices.randomEvmWallet());
    }
    // Invoices end as in production: unpaid ones expire (the expiry sweeper wakes and expires them) and
    // their payAmount is held for the late-payment window, so the ledgers hold only the open ones.
    Duration expiresIn = Duration.ofMinutes(10);
    long start = System.nanoTime();
    long deadline = start + maxTime.toNanos();
    AtomicLong created = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong next = new AtomicLong();
    ConcurrentLinkedQueue<UUID> sample = new ConcurrentLinkedQueue<>();
    ExecutorService creatorThreads = Executors.newVirtualThreadPerTaskExecutor();
    List<Future<?>> loops = new ArrayList<>();
    for (int c = 0; c < creators; c++) {
      loops.add(creatorThreads.submit(() -> create(node, wallets, expiresIn, target, deadline, next, created, errors,
          sample)));
    }
    creatorThreads.shutdown();
    long lastCount = 0;
    long lastTime = start;
    System.out.println("| elapsed | invoices | rate (last 15 s) | invoices in memory | heap after GC | RSS |");
    System.out.println("|---|---|---|---|---|---|");
    while (!creatorThreads.awaitTermination(15, TimeUnit.SECONDS)) {
      long now = System.nanoTime();
      long count = created.get();
      System.out.printf("| %d s | %,d | %.0f/s | %,d | %d MB | %d MB |%n", (now - start) / 1_000_000_000L, count,
          (count - lastCount) / ((now - lastTime) / 1e9), invoicesInMemory(node), heapAfterGcMb(), rssMb());
      lastCount = count;
      lastTime = now;
    }
    for (Future<?> loop : loops) {
      loop.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("created %,d invoices in %.0f s (%.0f/s), %d errors; stopped by %s%n", created.get(), seconds,
        created.get() / seconds, errors.get(), created.get() >= target ? "the invoice count" : "the time limit");
    System.out.printf("at the end of creation: live heap %d MB (after a full GC), RSS %d MB%n", liveHeapMb(), rssMb());

    // Let the sampled invoices passivate, then wake them one at a time.
    List<UUID> toWake = new ArrayList<>(sample).subList(0, Math.min(1_000, sample.size()));
    Thread.sleep(Duration.ofSeconds(idleSeconds * 2L + 10).toMillis()); // bench only: wait out the idle timeout
    System.out.printf("after passivation: %,d invoices in memory, live heap %d MB (after a full GC), RSS %d MB%n",
        invoicesInMemory(node), liveHeapMb(), rssMb());
    long[] recoveries = new long[toWake.size()];
    for (int i = 0; i < toWake.size(); i++) {
      long t0 = System.nanoTime();
      node.invoices().get(toWake.get(i)).toCompletableFuture().get(60, TimeUnit.SECONDS);
      recoveries[i] = System.nanoTime() - t0;
    }
    Arrays.sort(recoveries);
    System.out.printf("recovery of a passivated invoice (Get, one at a time, %d invoices): p50 %.1f ms, p99 %.1f ms, "
            + "max %.1f ms%n", recoveries.length, pct(recoveries, 0.50), pct(recoveries, 0.99),
        recoveries[recoveries.length - 1] / 1e6);
  }

  /** One creator: creates an invoice, waits for the answer, creates the next. */
  private static void create(TestNode node, List<String> wallets, Duration expiresIn, long target, long deadline,
      AtomicLong next, AtomicLong created, AtomicLong errors, ConcurrentLinkedQueue<UUID> sample) {
    while (System.nanoTime() < deadline) {
      long index = next.getAndIncrement();
      if (index >= target) {
        return;
      }
      String wallet = wallets.get((int) (index % wallets.size()));
      // distinct amounts per wallet keep the ledger from running out of payAmount steps
      var request = Invoices.newInvoice(wallet, (10 + index / wallets.size()) + ".25", Instant.now().plus(expiresIn));
      try {
        node.invoices().create(request).toCompletableFuture().get(60, TimeUnit.SECONDS);
        if (created.incrementAndGet() % 1_000 == 0) {
          sample.add(request.invoiceId());
        }
      } catch (Exception e) {
        errors.incrementAndGet();
      }
    }
  }

  private static long invoicesInMemory(TestNode node) throws Exception {
    ShardRegion.CurrentShardRegionState state = AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
            ClusterSharding.get(node.system()).shardState(),
            reply -> new GetShardRegionState(InvoiceEntity.ENTITY_KEY, reply),
            Duration.ofSeconds(30), node.system().scheduler())
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    return state.getShards().stream().mapToLong(s -> s.getEntityIds().size()).sum();
  }

  /** Heap in use right after the most recent collection (any collector): live objects plus not-yet-collected old garbage. */
  private static long heapAfterGcMb() {
    com.sun.management.GcInfo latest = null;
    for (var bean : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (bean instanceof com.sun.management.GarbageCollectorMXBean gc && gc.getLastGcInfo() != null
          && (latest == null || gc.getLastGcInfo().getEndTime() > latest.getEndTime())) {
        latest = gc.getLastGcInfo();
      }
    }
    if (latest == null) {
      return -1;
    }
    return latest.getMemoryUsageAfterGc().values().stream()
        .mapToLong(java.lang.management.MemoryUsage::getUsed).sum() / (1024 * 1024);
  }

  /** The live set: heap in use after a full collection (bench only). */
  private static long liveHeapMb() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
  }

  private static long rssMb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    return -1;
  }

  private static double pct(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }
}
