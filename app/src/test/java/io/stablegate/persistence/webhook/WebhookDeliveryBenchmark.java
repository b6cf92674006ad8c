package io.stablegate.persistence.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import io.stablegate.engine.webhook.InMemoryWebhookEndpoints;
import io.stablegate.engine.webhook.WebhookReceiver;
import io.stablegate.persistence.testing.Invoices;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Not a test (surefire does not pick up *Benchmark): webhook events delivered per second to a local
 * receiver that answers at once, and the latency from the invoice's state change (the event's
 * {@code createdAt}) to the receiver's arrival. Run:
 * {@code bench/run webhooks} (results in app/target/webhook-benchmark.txt).
 */
class WebhookDeliveryBenchmark {
  private static final int MERCHANTS = Integer.getInteger("benchmark.merchants", 20);
  private static final int EVENTS = Integer.getInteger("benchmark.events", 2000);
  private static final int WARM_UP = 200;
  private static final int PACED_EVENTS = Integer.getInteger("benchmark.paced-events", 300);
  private static final int PACED_RATE = Integer.getInteger("benchmark.paced-rate", 20);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void deliver() throws Exception {
    String secret = InMemoryWebhookEndpoints.newSecret();
    try (WebhookReceiver receiver = new WebhookReceiver(secret, WebhookReceiver.status(204));
        TestNode node = new TestNode(TestDatabase.fresh(), ConfigFactory.parseString(
            "stablegate.ask-timeout = 30s"))) {
      List<UUID> merchants = new ArrayList<>();
      for (int i = 0; i < MERCHANTS; i++) {
        UUID merchant = UUID.randomUUID();
        node.webhookEndpoint(merchant, receiver.url(), secret);
        merchants.add(merchant);
      }
      run(node, merchants, WARM_UP, receiver, 0);
      int before = receiver.received().size();
      long started = run(node, merchants, EVENTS, receiver, before);
      List<WebhookReceiver.Received> measured = receiver.received().subList(before, before + EVENTS);
      long finished = measured.stream().mapToLong(WebhookReceiver.Received::receivedAtMillis).max().orElseThrow();
      List<Long> burst = latencies(measured);
      double seconds = (finished - started) / 1000.0;
      List<Long> steady = paced(node, merchants, PACED_EVENTS, PACED_RATE, receiver);
      String report = String.format(Locale.ROOT,
          "webhook delivery benchmark: %d merchants, %d CPUs (load avg %.1f at the end)%n"
              + "burst of %d state changes: %.0f events/s (first cancel to last arrival, %.2f s); "
              + "latency state change -> arrival p50 %d ms, p99 %d ms, max %d ms%n"
              + "steady %d events at %d/s: latency state change -> arrival p50 %d ms, p99 %d ms, max %d ms%n",
          MERCHANTS, Runtime.getRuntime().availableProcessors(),
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          EVENTS, EVENTS / seconds, seconds, percentile(burst, 50), percentile(burst, 99), burst.get(burst.size() - 1),
          PACED_EVENTS, PACED_RATE, percentile(steady, 50), percentile(steady, 99), steady.get(steady.size() - 1));
      Files.writeString(Path.of("target", "webhook-benchmark.txt"), report);
      System.out.print(report);
    }
  }

  /** Creates {@code count} invoices, then cancels them all, 64 at a time, and waits for every event; returns when the cancels began. */
  private static long run(TestNode node, List<UUID> merchants, int count, WebhookReceiver receiver,
      int alreadyReceived) throws Exception {
    List<UUID> invoices = create(node, merchants, count);
    Semaphore inFlight = new Semaphore(64);
    long cancelsStarted = System.currentTimeMillis();
    List<CompletableFuture<?>> cancels = new ArrayList<>();
    for (UUID id : invoices) {
      inFlight.acquire();
      cancels.add(node.invoices().cancel(id).toCompletableFuture().whenComplete((r, e) -> inFlight.release()));
    }
    CompletableFuture.allOf(cancels.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> receiver.received().size() >= alreadyReceived + count);
    return cancelsStarted;
  }

  /** Cancels {@code count} invoices at a steady {@code perSecond}, so latency is measured without a backlog. */
  private static List<Long> paced(TestNode node, List<UUID> merchants, int count, int perSecond,
      WebhookReceiver receiver) throws Exception {
    List<UUID> invoices = create(node, merchants, count);
    int before = receiver.received().size();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger next = new AtomicInteger();
    try {
      ticker.scheduleAtFixedRate(() -> {
        int i = next.getAndIncrement();
        if (i < count) {
          node.invoices().cancel(invoices.get(i));
        }
      }, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
      Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20))
          .until(() -> receiver.received().size() >= before + count);
    } finally {
      ticker.shutdownNow();
    }
    return latencies(receiver.received().subList(before, before + count));
  }

  private static List<UUID> create(TestNode node, List<UUID> merchants, int count) throws Exception {
    List<UUID> invoices = new ArrayList<>();
    String wallet = Invoices.randomEvmWallet();
    Semaphore inFlight = new Semaphore(64);
    List<CompletableFuture<?>> creations = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      UUID id = UUID.randomUUID();
      invoices.add(id);
      // one wallet per 90 invoices: a wallet has at most 100 payAmount slots per amount
      if (i % 90 == 0) {
        wallet = Invoices.randomEvmWallet();
      }
      inFlight.acquire();
      creations.add(node.invoices().create(new NewInvoice(id, new InvoiceTerms(merchants.get(i % merchants.size()),
          Chain.ETHEREUM, wallet, new BigDecimal("10"), null, null, "{}", Instant.now().plus(Duration.ofHours(1)))))
          .toCompletableFuture().whenComplete((r, e) -> inFlight.release()));
    }
    CompletableFuture.allOf(creations.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    return invoices;
  }

  private static List<Long> latencies(List<WebhookReceiver.Received> received) throws Exception {
    List<Long> latencies = new ArrayList<>();
    for (WebhookReceiver.Received r : received) {
      Instant createdAt = Instant.parse(JSON.readTree(r.body()).get("createdAt").asText());
      latencies.add(r.receivedAtMillis() - createdAt.toEpochMilli());
    }
    latencies.sort(Long::compare);
    return latencies;
  }

  private static long percentile(List<Long> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index));
  }
}
