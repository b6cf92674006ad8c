package io.stablegate.engine.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stablegate.engine.SingleNodeEngine;
import io.stablegate.engine.TestAddresses;
import io.stablegate.engine.TestClock;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A creation that fails after its payAmount was allocated gives the payAmount back at once, so the
 * next invoice of that amount gets it; one refused because the invoice exists keeps it.
 */
class FailedCreationTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  private static final TestClock CLOCK = new TestClock(T0);

  private static ActorTestKit testKit;
  private static InvoiceService invoices;
  private static PersistenceTestKit journal;

  private final String wallet = TestAddresses.randomEvm();

  @BeforeAll
  static void start() throws Exception {
    testKit = SingleNodeEngine.start("FailedCreationTest", "stablegate.ask-timeout = 5s", CLOCK);
    invoices = new InvoiceService(testKit.system());
    journal = PersistenceTestKit.create(Adapter.toClassic(testKit.system()));
    // the first ask starts the shard coordinators; afterwards answers are quick
    await(invoices.create(newInvoice(UUID.randomUUID(), TestAddresses.randomEvm(), "1", "warm-up")));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aCreationThatFailsAfterTheAllocationLeavesThePayAmountFree() throws Exception {
    UUID failing = UUID.randomUUID();
    journal.rejectNextPersisted("Invoice|" + failing);
    assertThatThrownBy(() -> await(invoices.create(newInvoice(failing, wallet, "7", "fails"))))
        .hasStackTraceContaining("Timeout");

    assertThat(await(invoices.create(newInvoice(UUID.randomUUID(), wallet, "7", "next"))).payAmount())
        .isEqualByComparingTo("7");
  }

  @Test
  void aCreationRefusedBecauseTheInvoiceExistsKeepsItsPayAmount() throws Exception {
    UUID existing = UUID.randomUUID();
    assertThat(await(invoices.create(newInvoice(existing, wallet, "9", "first"))).payAmount())
        .isEqualByComparingTo("9");
    assertThatThrownBy(() -> await(invoices.create(newInvoice(existing, wallet, "9", "another draft"))))
        .hasStackTraceContaining("already exists");

    assertThat(await(invoices.create(newInvoice(UUID.randomUUID(), wallet, "9", "next"))).payAmount())
        .isEqualByComparingTo("9.0001");
  }

  private static NewInvoice newInvoice(UUID id, String address, String amount, String orderId) {
    return new NewInvoice(id, UUID.randomUUID(), Chain.ETHEREUM, address, new BigDecimal(amount), orderId, null, "{}",
        CLOCK.instant().plus(Duration.ofMinutes(30)));
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
