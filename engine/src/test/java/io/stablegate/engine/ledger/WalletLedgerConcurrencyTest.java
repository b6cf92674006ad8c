package io.stablegate.engine.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.PersistenceTestConfig;
import io.stablegate.engine.TestClock;
import io.stablegate.engine.ledger.WalletLedgerCommand.Allocate;
import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.ProcessingSuccess$;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rule with real actors: one wallet, one amount, many callers at once. */
class WalletLedgerConcurrencyTest {
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(20);
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("WalletLedgerConcurrencyTest", PersistenceTestConfig.config());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void fiveHundredConcurrentAllocationsGetExactlyOneHundredDistinctPayAmounts() throws Exception {
    LedgerSettings settings = LedgerSettings.fromConfig(testKit.system().settings().config());
    assertThat(settings.maxPayAmountSteps()).isEqualTo(100);
    TestClock clock = new TestClock(T0);
    String entityId = WalletLedger.entityId(Chain.TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");
    ActorRef<WalletLedgerCommand> ledger = testKit.spawn(WalletLedger.create(entityId, settings, clock));
    BigDecimal amount = new BigDecimal("25");
    Instant expiresAt = T0.plus(Duration.ofMinutes(30));
    List<UUID> invoices = IntStream.range(0, 500).mapToObj(i -> UUID.randomUUID()).toList();

    ExecutorService callers = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<StatusReply<PayAmount>>> replies = new ArrayList<>();
    try {
      for (UUID invoice : invoices) {
        replies.add(CompletableFuture.supplyAsync(() -> {
          awaitQuietly(go);
          return AskPattern.<WalletLedgerCommand, StatusReply<PayAmount>>ask(ledger,
              reply -> new Allocate(invoice, amount, expiresAt, reply), ASK_TIMEOUT, testKit.scheduler());
        }, callers).thenCompose(stage -> stage));
      }
      go.countDown();
      CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(ASK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      callers.shutdownNow();
    }

    Map<UUID, BigDecimal> granted = new java.util.HashMap<>();
    List<String> refusals = new ArrayList<>();
    for (int i = 0; i < invoices.size(); i++) {
      StatusReply<PayAmount> reply = replies.get(i).join();
      if (reply.isSuccess()) {
        granted.put(invoices.get(i), reply.getValue().value());
      } else {
        refusals.add(reply.getError().getMessage());
      }
    }
    Set<BigDecimal> expected = IntStream.range(0, 100)
        .mapToObj(step -> amount.add(new BigDecimal("0.0001").multiply(BigDecimal.valueOf(step))).stripTrailingZeros())
        .collect(Collectors.toSet());
    assertThat(granted).hasSize(100);
    assertThat(granted.values().stream().map(BigDecimal::stripTrailingZeros).collect(Collectors.toSet()))
        .isEqualTo(expected);
    assertThat(refusals).hasSize(400).allSatisfy(message ->
        assertThat(message).startsWith("all 100 payAmounts for 25 on this wallet are taken"));

    // What was granted is durable: a fresh incarnation of the ledger gives the same answers.
    testKit.stop(ledger);
    ActorRef<WalletLedgerCommand> recovered = testKit.spawn(WalletLedger.create(entityId, settings, clock));
    for (Map.Entry<UUID, BigDecimal> grant : granted.entrySet()) {
      assertThat(allocate(recovered, grant.getKey(), amount, expiresAt).getValue().value()).isEqualTo(grant.getValue());
    }
    assertThat(allocate(recovered, UUID.randomUUID(), amount, expiresAt).isError()).isTrue();
  }

  /**
   * Allocations that arrive while the ledger is busy are written together: one journal write for the
   * batch, not one per allocation, and still with distinct payAmounts (decided against the state and
   * the allocations waiting to be written).
   */
  @Test
  void allocationsThatArriveTogetherAreWrittenInOneWriteWithDistinctPayAmounts() {
    LedgerSettings settings = LedgerSettings.fromConfig(testKit.system().settings().config());
    String entityId = WalletLedger.entityId(Chain.TRON, "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7");
    String persistenceId = WalletLedger.ENTITY_KEY.name() + "|" + entityId;
    AtomicInteger writes = new AtomicInteger();
    PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
    journal.withPolicy((pid, operation) -> {
      if (pid.equals(persistenceId) && operation instanceof WriteEvents) {
        writes.incrementAndGet();
      }
      return ProcessingSuccess$.MODULE$;
    });
    try {
      ActorRef<WalletLedgerCommand> ledger = testKit.spawn(WalletLedger.create(entityId, settings, new TestClock(T0)));
      TestProbe<StatusReply<PayAmount>> callers = testKit.createTestProbe();
      BigDecimal amount = new BigDecimal("25");
      for (int i = 0; i < 50; i++) {
        ledger.tell(new Allocate(UUID.randomUUID(), amount, T0.plus(Duration.ofMinutes(30)), callers.getRef()));
      }
      List<StatusReply<PayAmount>> replies = callers.receiveSeveralMessages(50, ASK_TIMEOUT);
      assertThat(replies).allSatisfy(reply -> assertThat(reply.isSuccess()).isTrue());
      assertThat(replies.stream().map(r -> r.getValue().value().stripTrailingZeros()).collect(Collectors.toSet()))
          .hasSize(50);
      assertThat(writes.get()).as("journal writes for 50 allocations sent at once").isBetween(1, 5);
    } finally {
      journal.resetPolicy();
    }
  }

  private static StatusReply<PayAmount> allocate(
      ActorRef<WalletLedgerCommand> ledger, UUID invoice, BigDecimal amount, Instant expiresAt) {
    return AskPattern.<WalletLedgerCommand, StatusReply<PayAmount>>ask(ledger,
            reply -> new Allocate(invoice, amount, expiresAt, reply), ASK_TIMEOUT, testKit.scheduler())
        .toCompletableFuture().join();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
