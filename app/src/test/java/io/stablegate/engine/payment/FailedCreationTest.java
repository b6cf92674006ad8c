package io.stablegate.engine.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import io.stablegate.persistence.testing.Invoices;
import io.stablegate.persistence.testing.TestNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A creation that fails after its payAmount was allocated gives the payAmount back at once, so the
 * next invoice of that amount gets it; one refused because the invoice exists keeps it. The node is
 * the composition root's, on the persistence testkit's journal so that one write can be made to fail.
 */
class FailedCreationTest {
  private static TestNode node;
  private static InvoiceService invoices;
  private static PersistenceTestKit journal;

  private final String wallet = Invoices.randomEvmWallet();

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.fresh(ConfigFactory.parseString("stablegate.ask-timeout = 5s")
        .withFallback(PersistenceTestKitPlugin.getInstance().config()));
    invoices = node.invoices();
    journal = PersistenceTestKit.create(Adapter.toClassic(node.system()));
    // the first ask starts the shard coordinators; afterwards answers are quick
    await(invoices.create(newInvoice(UUID.randomUUID(), Invoices.randomEvmWallet(), "1", "warm-up")));
  }

  @AfterAll
  static void stop() {
    node.close();
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
    return new NewInvoice(id, new InvoiceTerms(UUID.randomUUID(), Chain.ETHEREUM, address, new BigDecimal(amount),
        orderId, null, "{}", Instant.now().plus(Duration.ofMinutes(30))));
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
