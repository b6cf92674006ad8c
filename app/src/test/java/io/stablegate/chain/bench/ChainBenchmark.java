package io.stablegate.chain.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.chain.evm.Anvil;
import io.stablegate.chain.evm.EvmChain;
import io.stablegate.engine.chain.ChainStatusBoard;
import io.stablegate.engine.chain.EvmAddress;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.ledger.TransferRoute;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.engine.payment.Observation;
import io.stablegate.engine.payment.PaymentMatcher;
import io.stablegate.engine.webhook.InMemoryWebhookEndpoints;
import io.stablegate.persistence.merchant.MerchantChanges;
import io.stablegate.engine.webhook.WebhookReceiver;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.db.EmbeddedPostgresServer;
import io.stablegate.persistence.testing.TestNode;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Figures for docs/performance-chain.md, not a test.
 *
 * <p>(1) Matching throughput: N open invoices, then a synthetic stream of blocks paying each of them
 * once. Two phases, each paying its own share of the invoices: scanned ranges handed over one after
 * another as a watcher's cycles do, through {@link PaymentMatcher#routeAll} ("routed": the wallet
 * ledgers' routing decisions durably persisted) and through {@link PaymentMatcher#observeAll}
 * ("recorded": routed, and the invoices have persisted the payment). (The per-transfer path that came
 * before batching is gone from the product, and with it its phases here.)
 *
 * <p>(2) On anvil: from mining the block that makes a transfer final to the invoice reading PAID,
 * and to the signed {@code invoice.paid} webhook arriving at a receiver on loopback.
 *
 * <p>Both run a whole node started through the composition root ({@code StablegateNode}, as
 * {@code stablegate serve} does) on PostgreSQL with durable commits.
 *
 * <p>Arguments, {@code key=value}: {@code invoices} (100000), {@code payments} (200), {@code journal}
 * ({@code postgres}, the only one: accepted for old command lines),
 * {@code wallets} (1000), {@code range} (transfers per scanned range, 2000),
 * {@code block} (transfers per block, 100), {@code idle} (the entities' idle-passivation timeout
 * for (1), e.g. {@code 30m}; Pekko's default 2 minutes when absent), {@code poll} (watcher poll interval in ms for (2), 100).
 */
public final class ChainBenchmark {
  private static final Logger log = LoggerFactory.getLogger(ChainBenchmark.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("arguments are key=value, not " + arg);
      }
      opts.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    int invoices = Integer.parseInt(opts.getOrDefault("invoices", "100000"));
    int payments = Integer.parseInt(opts.getOrDefault("payments", "200"));
    String journal = opts.getOrDefault("journal", "postgres");
    try (Postgres postgres = journal.equals("postgres") ? Postgres.start() : null) {
      if (invoices > 0) {
        Throughput run = new Throughput(invoices, Integer.parseInt(opts.getOrDefault("wallets", "1000")),
            Integer.parseInt(opts.getOrDefault("range", "2000")), Integer.parseInt(opts.getOrDefault("block", "100")));
        try (BenchEngine engine = BenchEngine.of(journal, postgres, opts.getOrDefault("idle", ""))) {
          run.measure(engine, journal);
        }
      }
      if (payments > 0) {
        if (postgres == null) {
          throw new IllegalArgumentException("the latency run needs journal=postgres (it runs the node's webhook delivery)");
        }
        finalityLatency(postgres, payments, Integer.parseInt(opts.getOrDefault("poll", "100")));
      }
    }
    System.exit(0);
  }

  // ---------------------------------------------------------------- the engine under the bench

  /** A whole node (through the composition root) on PostgreSQL: what the throughput run needs of it. */
  interface BenchEngine extends AutoCloseable {
    PaymentMatcher matcher();

    CompletionStage<Invoice> create(InvoiceService.NewInvoice draft);

    /** Waits until the read side has caught up, so that its backlog does not land in the next phase. */
    default void quiet() {}

    @Override
    void close();

    /** {@code idle}: the entities' idle-passivation timeout, or empty for Pekko's default (2 minutes). */
    static BenchEngine of(String journal, Postgres postgres, String idle) {
      Config passivation = idle.isEmpty() ? ConfigFactory.empty() : ConfigFactory.parseString(
          "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout = " + idle);
      return switch (journal) {
        case "postgres" -> {
          TestNode node = new TestNode(postgres.freshDatabase(),
              passivation.withFallback(ConfigFactory.parseString("stablegate.ask-timeout = 60s")));
          PaymentMatcher matcher = node.matcher();
          yield new BenchEngine() {
            public PaymentMatcher matcher() {
              return matcher;
            }

            public CompletionStage<Invoice> create(InvoiceService.NewInvoice draft) {
              return node.invoices().create(draft);
            }

            public void quiet() {
              long started = System.nanoTime();
              try (java.sql.Connection c = node.database().dataSource().getConnection()) {
                while (projectionLag(c) > 0) {
                  LockSupport.parkNanos(200_000_000);
                }
              } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
              }
              log.info("read side caught up in {} s", String.format("%.1f", (System.nanoTime() - started) / 1e9));
            }

            public void close() {
              try {
                node.close();
              } catch (RuntimeException e) {
                // On a machine this loaded a node can take longer than TestNode waits to stop; the figures are in.
                log.warn("the node did not stop in time: {}", e.toString());
              }
            }
          };
        }
        default -> throw new IllegalArgumentException("journal is postgres: the benchmark runs a whole node");
      };
    }
  }

  /** Invoice events not yet in the invoices read table, per the projection's stored offsets. */
  static long projectionLag(java.sql.Connection c) throws java.sql.SQLException {
    try (var st = c.createStatement(); var rs = st.executeQuery("""
        SELECT coalesce(sum(t.last - coalesce(cast(o.current_offset AS BIGINT), 0)), 0)
        FROM (SELECT tag, max(event_id) AS last FROM event_tag WHERE tag LIKE 'invoice-%' GROUP BY tag) t
        LEFT JOIN pekko_projection_offset_store o ON o.projection_name = 'invoices' AND o.projection_key = t.tag
        WHERE o.current_offset IS NULL OR cast(o.current_offset AS BIGINT) < t.last
        """)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static InvoiceService.NewInvoice newInvoice(UUID merchantId, String wallet, BigDecimal amount) {
    return new InvoiceService.NewInvoice(UUID.randomUUID(), new InvoiceTerms(merchantId, Chain.ETHEREUM, wallet,
        amount, null, null, "{}", Instant.now().plus(Duration.ofMinutes(30))));
  }

  /** An embedded PostgreSQL with durable commits (fsync, synchronous_commit on), as a production server runs. */
  static final class Postgres implements AutoCloseable {
    private final EmbeddedPostgresServer server;

    private Postgres(EmbeddedPostgresServer server) {
      this.server = server;
    }

    static Postgres start() throws Exception {
      Path dir = Path.of("target", "bench-postgres");
      Files.createDirectories(dir);
      return new Postgres(EmbeddedPostgresServer.start(dir, 0, true));
    }

    DbCoordinates freshDatabase() {
      return server.database("bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    }

    @Override
    public void close() {
      server.close();
    }
  }

  // ---------------------------------------------------------------- (1) matching throughput

  record Throughput(int count, int wallets, int range, int perBlock) {

    void measure(BenchEngine engine, String journal) throws Exception {
      List<String> addresses = new ArrayList<>();
      for (int w = 0; w < wallets; w++) {
        addresses.add(EvmChain.newWallet());
      }
      Invoice[] created = new Invoice[count];
      long start = System.nanoTime();
      // Distinct amounts per wallet, so each payAmount is its amount and allocation never searches.
      // Creating is idempotent per invoice id, so a creation that timed out on a machine this loaded is
      // simply asked again.
      runWindowed(count, 200, i -> {
        InvoiceService.NewInvoice draft = newInvoice(UUID.randomUUID(), addresses.get(i % wallets),
            BigDecimal.valueOf(10 + i / wallets));
        return retried(3, () -> engine.create(draft)).thenAccept(inv -> created[i] = inv);
      });
      double createSeconds = (System.nanoTime() - start) / 1e9;
      log.info("Created {} open invoices on {} wallets in {} s ({} /s)", count, wallets,
          String.format("%.1f", createSeconds), f0(count / createSeconds));

      // Transfer i pays invoice i; consecutive transfers go to different wallets, as on a busy chain.
      Instant now = Instant.now();
      List<Transfer> transfers = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        Invoice inv = created[i];
        long block = 1_000 + i / perBlock;
        transfers.add(new Transfer(Chain.ETHEREUM, "0x" + HexFormat.of().formatHex(longBytes(i)), 0,
            addresses.get((i + 1) % wallets), inv.address(), inv.payAmount(), block,
            "0x" + Long.toHexString(block), now));
      }
      engine.quiet();
      String setting = String.format("%s journal, %,d open invoices on %,d wallets", journal, count, wallets);
      // Each phase pays its own share of the invoices, so every phase meets all N slots still reserved
      // (a payment not final yet keeps its slot) and none meets a transfer routed before.
      int routeOnly = count / 2;
      batched(engine, created, transfers, 0, routeOnly, false, setting);
      batched(engine, created, transfers, routeOnly, count, true, setting);
    }

    /**
     * Scanned ranges one after another, as a watcher's cycles: only routed ({@code record} false) or
     * routed and recorded by the invoices. The first range warms the path up and is not counted.
     */
    private void batched(BenchEngine engine, Invoice[] created, List<Transfer> transfers, int from, int to,
        boolean record, String setting) throws Exception {
      PaymentMatcher matcher = engine.matcher();
      AtomicInteger matched = new AtomicInteger();
      IntFunction1 oneRange = r -> record
          ? recorded(matcher.observeAll(transfers.subList(r[0], r[1]), t -> 1), created, r[0], matched)
          : routed(matcher.routeAll(transfers.subList(r[0], r[1])), created, r[0], matched);
      int warm = Math.min(range, (to - from) / 10);
      inRanges(from, from + warm, oneRange);
      engine.quiet();
      matched.set(0);
      Meter meter = Meter.start();
      inRanges(from + warm, to, oneRange);
      meter.report("batched, ranges of " + range + " (" + range / perBlock + " blocks of " + perBlock + "), "
          + (record ? "routed and recorded by the invoices" : "routed only (routing durable)"), setting,
          to - from - warm, matched.get());
    }

    private void inRanges(int from, int to, IntFunction1 oneRange) throws Exception {
      for (int at = from; at < to; at += range) {
        oneRange.apply(new int[] {at, Math.min(to, at + range)}).toCompletableFuture().get(10, TimeUnit.MINUTES);
      }
    }

    private interface IntFunction1 {
      CompletionStage<?> apply(int[] fromTo);
    }

    private static CompletionStage<?> routed(CompletionStage<List<TransferRoute>> routes, Invoice[] created,
        int offset, AtomicInteger matched) {
      return routes.thenAccept(list -> {
        for (int i = 0; i < list.size(); i++) {
          if (created[offset + i].id().equals(list.get(i).invoiceId())) {
            matched.incrementAndGet();
          }
        }
      });
    }

    private static CompletionStage<?> recorded(CompletionStage<List<Observation>> outcomes, Invoice[] created,
        int offset, AtomicInteger matched) {
      return outcomes.thenAccept(list -> {
        for (int i = 0; i < list.size(); i++) {
          if (list.get(i) instanceof Observation.Recorded r && created[offset + i].id().equals(r.route().invoiceId())) {
            matched.incrementAndGet();
          }
        }
      });
    }
  }

  /** Wall clock and this process's CPU time over one measured run. */
  record Meter(long startNanos, long startCpuNanos) {
    static Meter start() {
      return new Meter(System.nanoTime(), processCpuNanos());
    }

    void report(String what, String setting, int transfers, int matched) {
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      double cpuSeconds = (processCpuNanos() - startCpuNanos) / 1e9;
      // On a shared machine the wall-clock rate says more about the neighbours than about the code;
      // transfers per CPU-second of this JVM is what one dedicated core would do (PostgreSQL's own CPU
      // time is not in it: it is another process).
      log.info("FIGURE matcher, {}; {}: {} transfers in {} s = {} transfers/s; {} matched their invoice; "
              + "{} JVM CPU-s = {} transfers per JVM CPU-second; load average {}",
          what, setting, transfers, String.format("%.2f", seconds), f0(transfers / seconds), matched,
          String.format("%.1f", cpuSeconds), f0(transfers / cpuSeconds),
          String.format("%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
              .getSystemLoadAverage()));
    }
  }

  // ---------------------------------------------------------------- (2) latency on anvil

  /**
   * A node on PostgreSQL with webhook delivery to a receiver on loopback, the EVM watcher on anvil
   * polling every {@code pollMillis}, 3 confirmations. For each payment: create an invoice, transfer,
   * mine until the transfer is one confirmation short of final and the watcher has scanned that,
   * then mine the block that makes it final and measure until the invoice reads PAID, and until the
   * signed {@code invoice.paid} webhook has arrived.
   */
  static void finalityLatency(Postgres postgres, int payments, int pollMillis) throws Exception {
    int confirmations = 3;
    String secret = InMemoryWebhookEndpoints.newSecret();
    UUID merchant = UUID.randomUUID();
    try (Anvil anvil = Anvil.start(); EvmChain chain = new EvmChain(anvil.url());
        WebhookReceiver receiver = new WebhookReceiver(secret, WebhookReceiver.status(204))) {
      String token = chain.deployToken(6);
      Config chainConfig = ConfigFactory.parseString("""
          stablegate.ask-timeout = 30s
          stablegate.chains.ethereum {
            enabled = true
            rpc-urls = "%s"
            chain-id = 31337
            usdt-contract = "%s"
            start-block = "%d"
            poll-interval-ms = %d
            confirmations = %d
          }
          """.formatted(anvil.url(), token, chain.head() + 1, pollMillis, confirmations));
      try (TestNode node = new TestNode(postgres.freshDatabase(), chainConfig)) {
        // the merchant, its webhook endpoint and its wallet, as the API stores them; the node's own
        // Ethereum watcher hears of the wallet as it would of a PUT /api/v1/wallets
        String wallet = EvmChain.newWallet();
        node.webhookEndpoint(merchant, receiver.url(), secret);
        node.repositories().wallets().set(merchant, Chain.ETHEREUM, EvmAddress.parse(wallet).value(), "bench");
        node.node().changes().publish(new MerchantChanges.WalletsChanged(Chain.ETHEREUM));
        ChainStatusBoard board = node.node().chains();
        long[] toPaid = new long[payments];
        long[] toWebhook = new long[payments];
        int unverified = 0;
        ArrivedWebhooks webhooks = new ArrivedWebhooks(receiver);
        for (int i = 0; i < payments; i++) {
          Invoice invoice = node.invoices().create(newInvoice(merchant, wallet, BigDecimal.ONE))
              .toCompletableFuture().get(30, TimeUnit.SECONDS);
          long block = chain.transfer(token, wallet, Amounts.toBaseUnits(invoice.payAmount(), 6))
              .getBlockNumber().longValueExact();
          chain.mine(confirmations - 2);
          long shortOfFinal = block + confirmations - 2;
          while (board.current().get(Chain.ETHEREUM) == null || board.current().get(Chain.ETHEREUM).scanned() < shortOfFinal) {
            pause();
          }
          long minedNanos = System.nanoTime();
          long minedMillis = System.currentTimeMillis();
          chain.mine(1);
          while (node.invoices().get(invoice.id()).toCompletableFuture().get(30, TimeUnit.SECONDS).status()
              != InvoiceStatus.PAID) {
            pause();
          }
          toPaid[i] = System.nanoTime() - minedNanos;
          WebhookReceiver.Received paid = webhooks.await(invoice.id(), "invoice.paid");
          if (!paid.verified()) {
            unverified++;
          }
          toWebhook[i] = (paid.receivedAtMillis() - minedMillis) * 1_000_000;
        }
        Arrays.sort(toPaid);
        Arrays.sort(toWebhook);
        log.info("FIGURE final block mined -> invoice PAID over {} payments (poll interval {} ms, {} confirmations, "
                + "PostgreSQL): p50 {} ms, p99 {} ms, max {} ms", payments, pollMillis, confirmations,
            millis(percentile(toPaid, 50)), millis(percentile(toPaid, 99)), millis(toPaid[payments - 1]));
        log.info("FIGURE final block mined -> signed invoice.paid webhook received on loopback over {} payments "
                + "(poll interval {} ms, {} confirmations, PostgreSQL; {} signatures failed to verify): "
                + "p50 {} ms, p99 {} ms, max {} ms", payments, pollMillis, confirmations, unverified,
            millis(percentile(toWebhook, 50)), millis(percentile(toWebhook, 99)), millis(toWebhook[payments - 1]));
      }
    }
  }

  /** The receiver's requests by invoice id and event type; reads each request once. */
  private static final class ArrivedWebhooks {
    private final WebhookReceiver receiver;
    private final Map<String, WebhookReceiver.Received> byInvoiceAndType = new HashMap<>();
    private int read;

    ArrivedWebhooks(WebhookReceiver receiver) {
      this.receiver = receiver;
    }

    WebhookReceiver.Received await(UUID invoiceId, String type) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String key = invoiceId + " " + type;
      while (!byInvoiceAndType.containsKey(key)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no " + type + " webhook for invoice " + invoiceId + " within 60 s");
        }
        List<WebhookReceiver.Received> all = receiver.received();
        for (; read < all.size(); read++) {
          JsonNode body = JSON.readTree(all.get(read).body());
          byInvoiceAndType.put(body.path("data").path("invoice").path("id").asText() + " "
              + body.path("type").asText(), all.get(read));
        }
        pause();
      }
      return byInvoiceAndType.get(key);
    }
  }

  /** Polling every half millisecond: fine enough for these figures, and leaves the CPU to the node. */
  private static void pause() {
    LockSupport.parkNanos(500_000);
  }

  // ---------------------------------------------------------------- helpers

  private static long percentile(long[] sorted, int p) {
    return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static String f0(double value) {
    return String.format("%,.0f", value);
  }

  private static String millis(long nanos) {
    return String.format("%.1f", nanos / 1e6);
  }

  private static byte[] longBytes(long value) {
    byte[] bytes = new byte[32];
    for (int i = 0; i < 8; i++) {
      bytes[31 - i] = (byte) (value >>> (8 * i));
    }
    return bytes;
  }

  private static <T> CompletionStage<T> retried(int attempts, java.util.function.Supplier<CompletionStage<T>> step) {
    return step.get().handle((value, error) -> {
      if (error == null) {
        return CompletableFuture.completedFuture(value);
      }
      if (attempts <= 1) {
        return CompletableFuture.<T>failedFuture(error);
      }
      log.warn("retrying after {}", error.toString());
      return retried(attempts - 1, step);
    }).thenCompose(f -> f);
  }

  /** Runs {@code count} asynchronous steps with at most {@code window} in flight; fails on the first error. */
  private static void runWindowed(int count, int window, IntFunction<CompletionStage<?>> step) throws Exception {
    Semaphore slots = new Semaphore(window);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < count && failure.get() == null; i++) {
      slots.acquire();
      step.apply(i).whenComplete((ok, error) -> {
        if (error != null) {
          failure.compareAndSet(null, error);
        }
        slots.release();
      });
    }
    slots.acquire(window);
    if (failure.get() != null) {
      throw new IllegalStateException("benchmark step failed", failure.get());
    }
  }
}
