package io.stablegate.persistence.bench;

import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.chain.TransferKey;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.ledger.Resolution;
import io.stablegate.engine.ledger.WalletLedger;
import io.stablegate.engine.ledger.WalletLedgerCommand;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.db.EmbeddedPostgresServer;
import io.stablegate.persistence.testing.Invoices;
import io.stablegate.persistence.testing.TestNode;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.PoisonPill;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.Patterns;

/**
 * Does a wallet's size cost anything? One node on embedded PostgreSQL (durable commits). One merchant's
 * wallet is filled with {@code open} open invoices through the real creation path (they expire in a
 * day, so they all stay open and hold their payAmount in the wallet's ledger). Then, in alternating
 * phases of {@code seconds} at the same concurrency ({@code creators} creating one invoice after
 * another), invoices are created on that big wallet and on a fresh wallet of another merchant (a new
 * one each phase): invoices/s, latency p50/p99 and JVM CPU per invoice, per phase and as medians, and
 * the big wallet's rate as a share of the fresh one's. Last, the big ledger's recovery: it is
 * passivated (as sharding does to an idle entity) and the time of the first answered command is
 * taken, {@code recoveries} times, and the same for a small ledger ({@code small} open invoices); with
 * the size of each ledger's latest snapshot and the events written after it (what recovery reads).
 *
 * <p>Arguments (key=value): {@code open=100000 creators=64 rounds=3 seconds=10 recoveries=10
 * fillCreators=256 small=999}.
 */
public final class LedgerSizeBenchmark {
  private static final UUID BIG_MERCHANT = UUID.randomUUID();
  private static final UUID SMALL_MERCHANT = UUID.randomUUID();

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("expected key=value, got " + arg);
      }
      opts.put(kv[0], kv[1]);
    }
    int open = Integer.parseInt(opts.getOrDefault("open", "100000"));
    int creators = Integer.parseInt(opts.getOrDefault("creators", "64"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
    int recoveries = Integer.parseInt(opts.getOrDefault("recoveries", "10"));
    int fillCreators = Integer.parseInt(opts.getOrDefault("fillCreators", "256"));
    int small = Integer.parseInt(opts.getOrDefault("small", "999"));
    Path dir = Files.createTempDirectory(Path.of("target"), "ledger-size-pg");
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir, 0, true)) {
      DbCoordinates db = server.database("ledgersize");
      try (TestNode node = new TestNode(db, ConfigFactory.parseString("""
          pekko.loglevel = WARNING
          pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout = 60s
          """))) {
        new LedgerSizeBenchmark(node).run(open, creators, rounds, seconds, recoveries, fillCreators, small);
      }
    }
    System.exit(0);
  }

  private final TestNode node;
  private final long postmasterPid;

  private LedgerSizeBenchmark(TestNode node) throws Exception {
    this.node = node;
    try (var c = node.database().dataSource().getConnection(); var st = c.createStatement();
         var rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      this.postmasterPid = ProcessHandle.of(rs.getLong(1)).flatMap(ProcessHandle::parent).orElseThrow().pid();
    }
  }

  /**
   * CPU of the PostgreSQL server in nanoseconds: its live processes plus what its exited backends left
   * in the postmaster's children counters ({@code /proc}, Linux).
   */
  private long postgresCpuNanos() {
    long ticks = ticks(postmasterPid, true);
    for (ProcessHandle child : ProcessHandle.of(postmasterPid).map(p -> p.children().toList()).orElse(List.of())) {
      ticks += ticks(child.pid(), false);
    }
    return ticks * 10_000_000L; // USER_HZ 100
  }

  private static long ticks(long pid, boolean withChildren) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return withChildren ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
    } catch (Exception e) {
      return 0; // the process has exited
    }
  }

  private void run(int open, int creators, int rounds, int seconds, int recoveries, int fillCreators, int small)
      throws Exception {
    String bigWallet = Invoices.randomEvmWallet();
    Instant expiresAt = Instant.now().plus(Duration.ofDays(1));
    AtomicLong bigNext = new AtomicLong();

    long fillStart = System.nanoTime();
    long cpu0 = cpuNanos();
    Phase fill = create(BIG_MERCHANT, bigWallet, bigNext, expiresAt, fillCreators, Long.MAX_VALUE, open, true);
    double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
    System.out.printf("fill: %,d open invoices on one wallet in %.0f s (%.0f/s, CPU per invoice: JVM %.2f ms, "
            + "PostgreSQL %.2f ms), %d errors; load %s%n", fill.created, fillSeconds, fill.created / fillSeconds,
        (cpuNanos() - cpu0) / 1e6 / Math.max(1, fill.created), fill.pgCpuMsPerInvoice(), fill.errors, load());
    String bigLedger = ledgerId(bigWallet);
    long bigOpen = fill.created;

    // warm-up of the fresh-wallet path (the fill warmed the rest)
    create(SMALL_MERCHANT, Invoices.randomEvmWallet(), new AtomicLong(), expiresAt, creators,
        System.nanoTime() + Duration.ofSeconds(Math.min(5, seconds)).toNanos(), Long.MAX_VALUE, false);

    System.out.println();
    System.out.println("| round | wallet | open slots before | invoices/s | p50 | p99 | CPU per invoice: JVM | PostgreSQL | errors | load |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    List<Phase> big = new ArrayList<>();
    List<Phase> fresh = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      for (int i = 0; i < 2; i++) {
        boolean bigTurn = (round % 2 == 1) == (i == 0); // alternate which goes first
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long before = bigTurn ? bigOpen : 0;
        Phase phase = bigTurn
            ? create(BIG_MERCHANT, bigWallet, bigNext, expiresAt, creators, deadline, Long.MAX_VALUE, false)
            : create(SMALL_MERCHANT, Invoices.randomEvmWallet(), new AtomicLong(), expiresAt, creators, deadline,
                Long.MAX_VALUE, false);
        (bigTurn ? big : fresh).add(phase);
        bigOpen += bigTurn ? phase.created : 0;
        System.out.printf("| %d | %s | %,d | %.0f | %.1f ms | %.1f ms | %.2f ms | %.2f ms | %d | %s |%n", round,
            bigTurn ? "big" : "fresh", before, phase.rate(), phase.p(0.50), phase.p(0.99), phase.cpuMsPerInvoice(),
            phase.pgCpuMsPerInvoice(), phase.errors, load());
      }
    }
    double bigRate = median(big.stream().mapToDouble(Phase::rate).toArray());
    double freshRate = median(fresh.stream().mapToDouble(Phase::rate).toArray());
    double bigCpu = median(big.stream().mapToDouble(Phase::cpuMsPerInvoice).toArray());
    double freshCpu = median(fresh.stream().mapToDouble(Phase::cpuMsPerInvoice).toArray());
    double bigPg = median(big.stream().mapToDouble(Phase::pgCpuMsPerInvoice).toArray());
    double freshPg = median(fresh.stream().mapToDouble(Phase::pgCpuMsPerInvoice).toArray());
    System.out.printf("%nmedians: big wallet %.0f invoices/s (CPU per invoice: JVM %.2f ms, PostgreSQL %.2f ms), "
            + "fresh wallet %.0f/s (%.2f ms, %.2f ms): big/fresh rate %.0f %%, JVM CPU per invoice %.2f×, "
            + "PostgreSQL %.2f×%n", bigRate, bigCpu, bigPg, freshRate, freshCpu, freshPg, 100 * bigRate / freshRate,
        bigCpu / freshCpu, bigPg / freshPg);

    String freshWallet = Invoices.randomEvmWallet();
    Phase smallFill = create(SMALL_MERCHANT, freshWallet, new AtomicLong(), expiresAt, 8, Long.MAX_VALUE, small, false);
    String smallLedger = ledgerId(freshWallet);
    System.out.println();
    printSnapshot("big", bigLedger, bigOpen);
    printSnapshot("small", smallLedger, smallFill.created);
    recoveries(smallLedger, String.format("small ledger (%,d open slots)", smallFill.created), recoveries);
    recoveries(bigLedger, String.format("big ledger (%,d open slots)", bigOpen), recoveries);
    System.out.printf("load %s%n", load());
  }

  private static String ledgerId(String wallet) {
    return WalletLedger.entityId(Chain.ETHEREUM, Token.USDT, wallet);
  }

  /** The creation of one phase: invoices, errors, latencies, JVM CPU. */
  private record Phase(long created, long errors, long nanos, long cpuNanos, long pgCpuNanos, long[] latencies) {
    double rate() {
      return created / (nanos / 1e9);
    }

    double cpuMsPerInvoice() {
      return cpuNanos / 1e6 / Math.max(1, created);
    }

    double pgCpuMsPerInvoice() {
      return pgCpuNanos / 1e6 / Math.max(1, created);
    }

    double p(double q) {
      return latencies.length == 0 ? Double.NaN
          : latencies[Math.min(latencies.length - 1, (int) Math.ceil(q * latencies.length) - 1)] / 1e6;
    }
  }

  /**
   * {@code creators} loops, each creating one invoice on {@code wallet} after another, until {@code
   * deadline} or {@code limit} invoices; amounts distinct per wallet ({@code next}), so every payAmount is
   * the amount itself.
   */
  private Phase create(UUID merchant, String wallet, AtomicLong next, Instant expiresAt, int creators, long deadline,
      long limit, boolean progress) throws Exception {
    AtomicLong created = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    long cpuStart = cpuNanos();
    long pgStart = postgresCpuNanos();
    long startIndex = next.get();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int c = 0; c < creators; c++) {
      loops.add(loop(merchant, wallet, next, limit == Long.MAX_VALUE ? Long.MAX_VALUE : startIndex + limit, expiresAt, deadline, created, errors, latencies,
          progress ? start : 0));
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get();
    long nanos = System.nanoTime() - start;
    long cpu = cpuNanos() - cpuStart;
    long pgCpu = postgresCpuNanos() - pgStart;
    long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return new Phase(created.get(), errors.get(), nanos, cpu, pgCpu, sorted);
  }

  private CompletableFuture<Void> loop(UUID merchant, String wallet, AtomicLong next, long end, Instant expiresAt,
      long deadline, AtomicLong created, AtomicLong errors, List<Long> latencies, long progressStart) {
    if (System.nanoTime() >= deadline) {
      return CompletableFuture.completedFuture(null);
    }
    long index = next.getAndIncrement();
    if (index >= end) {
      return CompletableFuture.completedFuture(null);
    }
    long started = System.nanoTime();
    NewInvoice request = new NewInvoice(UUID.randomUUID(), new InvoiceTerms(merchant, Chain.ETHEREUM, wallet,
        new BigDecimal((10 + index) + ".25"), "order-" + index, "ledger size bench", "{\"k\":\"v\"}", expiresAt));
    return node.invoices().create(request).toCompletableFuture()
        .handle((Invoice invoice, Throwable error) -> {
          if (error != null) {
            if (errors.incrementAndGet() <= 3) {
              System.out.println("creation failed: " + error);
            }
          } else {
            latencies.add(System.nanoTime() - started);
            long n = created.incrementAndGet();
            if (progressStart != 0 && n % 10_000 == 0) {
              System.out.printf("  fill: %,d in %.0f s; load %s%n", n, (System.nanoTime() - progressStart) / 1e9,
                  load());
            }
          }
          return (Void) null;
        })
        .thenCompose(v -> loop(merchant, wallet, next, end, expiresAt, deadline, created, errors, latencies,
            progressStart));
  }

  /** Size of the ledger's latest snapshot and the events written after it. */
  private void printSnapshot(String label, String ledgerId, long allocations) throws Exception {
    String persistenceId = WalletLedger.ENTITY_KEY.name() + "|" + ledgerId;
    try (var c = node.database().dataSource().getConnection();
         var st = c.prepareStatement("SELECT sequence_number, octet_length(snapshot_payload) FROM snapshot "
             + "WHERE persistence_id = ? ORDER BY sequence_number DESC LIMIT 1");
         var count = c.prepareStatement("SELECT count(*), coalesce(sum(octet_length(snapshot_payload)), 0) "
             + "FROM snapshot WHERE persistence_id = ?");
         var journal = c.prepareStatement("SELECT max(sequence_number) FROM event_journal WHERE persistence_id = ?")) {
      st.setString(1, persistenceId);
      count.setString(1, persistenceId);
      journal.setString(1, persistenceId);
      long lastSeq;
      try (var rs = journal.executeQuery()) {
        rs.next();
        lastSeq = rs.getLong(1);
      }
      try (var rs = st.executeQuery(); var all = count.executeQuery()) {
        all.next();
        if (rs.next()) {
          System.out.printf(label + " ledger: %,d events (%,d open slots); latest snapshot at event %,d: %,d bytes "
                  + "(%.0f bytes per open slot); %,d events after it; snapshots kept: %d, %,d bytes%n", lastSeq,
              allocations, rs.getLong(1), rs.getLong(2), rs.getLong(2) / (double) allocations, lastSeq - rs.getLong(1),
              all.getLong(1), all.getLong(2));
        } else {
          System.out.printf(label + " ledger: %,d events, no snapshot%n", lastSeq);
        }
      }
    }
  }

  /**
   * The ledger is passivated as sharding passivates an idle entity (its shard sends it the stop
   * message), and once it is gone the first command is timed: its recovery, then the answer.
   */
  private void recoveries(String ledgerId, String label, int samples) throws Exception {
    long[] times = new long[samples];
    long[] cpu = new long[samples];
    long[] pgCpu = new long[samples];
    for (int i = 0; i < samples; i++) {
      passivate(ledgerId);
      long cpu0 = cpuNanos();
      long pg0 = postgresCpuNanos();
      long t0 = System.nanoTime();
      AskPattern.<WalletLedgerCommand, org.apache.pekko.pattern.StatusReply<Resolution>>ask(
              ClusterSharding.get(node.system()).entityRefFor(WalletLedger.ENTITY_KEY, ledgerId),
              reply -> new WalletLedgerCommand.GetUnmatched(new TransferKey(Chain.ETHEREUM, "0x00", 0), reply),
              Duration.ofSeconds(60), node.system().scheduler())
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
      times[i] = System.nanoTime() - t0;
      cpu[i] = cpuNanos() - cpu0;
      pgCpu[i] = postgresCpuNanos() - pg0;
      if (times[i] > 150_000_000L) {
        System.out.printf("  slow recovery (%.0f ms); PostgreSQL busy with: %s%n", times[i] / 1e6, postgresActivity());
      }
    }
    long[] sorted = times.clone();
    Arrays.sort(sorted);
    Arrays.sort(cpu);
    Arrays.sort(pgCpu);
    System.out.printf("recovery of the %s, first command after passivation, %d samples: p50 %.1f ms, p99 %.1f ms, "
            + "max %.1f ms (in order: %s); CPU per recovery (whole process, p50): JVM %.1f ms, PostgreSQL %.0f ms%n",
        label, samples, pct(sorted, 0.50), pct(sorted, 0.99), sorted[sorted.length - 1] / 1e6,
        Arrays.stream(times).mapToObj(t -> String.format("%.0f", t / 1e6)).toList(), pct(cpu, 0.50),
        pct(pgCpu, 0.50));
  }

  /** What PostgreSQL's other backends are doing right now (autovacuum, checkpoints, queries), for slow samples. */
  private String postgresActivity() {
    List<String> busy = new ArrayList<>();
    try (var c = node.database().dataSource().getConnection(); var st = c.createStatement();
        var rs = st.executeQuery("SELECT backend_type, coalesce(wait_event, '-'), left(coalesce(query, ''), 60) "
            + "FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
            + "AND (state = 'active' OR backend_type = 'autovacuum worker')")) {
      while (rs.next()) {
        busy.add(rs.getString(1) + " [" + rs.getString(2) + "] " + rs.getString(3).replaceAll("\\s+", " "));
      }
    } catch (Exception e) {
      busy.add("(not read: " + e + ")");
    }
    return busy.toString();
  }

  /** Has the entity's shard passivate it, and waits until the shard no longer holds it. */
  private void passivate(String ledgerId) throws Exception {
    var classic = Adapter.toClassic(node.system());
    String path = "/system/sharding/" + WalletLedger.ENTITY_KEY.name() + "/*/"
        + URLEncoder.encode(ledgerId, StandardCharsets.UTF_8);
    ActorIdentity identity = (ActorIdentity) Patterns.ask(classic.actorSelection(path), new Identify(1),
        Duration.ofSeconds(10)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    ActorRef entity = identity.getActorRef().orElseThrow(() -> new IllegalStateException("no entity at " + path));
    classic.actorSelection(entity.path().parent()).tell(new ShardRegion.Passivate(PoisonPill.getInstance()), entity);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (inMemory(ledgerId)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("ledger " + ledgerId + " was not passivated within 30 s");
      }
      Thread.sleep(20); // bench only: polls the shard's state
    }
  }

  private boolean inMemory(String ledgerId) throws Exception {
    ShardRegion.CurrentShardRegionState state = AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
            ClusterSharding.get(node.system()).shardState(),
            reply -> new GetShardRegionState(WalletLedger.ENTITY_KEY, reply),
            Duration.ofSeconds(30), node.system().scheduler())
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    return state.getShards().stream().anyMatch(s -> s.getEntityIds().contains(ledgerId));
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String load() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (Exception e) {
      return "?";
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double pct(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }
}
