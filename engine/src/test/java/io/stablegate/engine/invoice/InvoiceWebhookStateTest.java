package io.stablegate.engine.invoice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.audit.EventHasher;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.WebhookAttempt.Verdict;
import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook part of the invoice's state: each notifying event adds a pending delivery, attempts
 * are recorded once each, the schedule is persisted, and recovery restores all of it. (No delivery
 * actors here: the entity runs without a dispatch.)
 */
class InvoiceWebhookStateTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final ActorTestKit testKit = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  private EventSourcedBehaviorTestKit<InvoiceCommand, InvoiceEvent, InvoiceState> kit;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    kit = EventSourcedBehaviorTestKit.create(testKit.system(), InvoiceEntity.create(UUID.randomUUID(),
        InvoiceSettings.fromConfig(testKit.system().settings().config()), Clock.fixed(NOW, ZoneOffset.UTC)));
    InvoiceTerms terms = new InvoiceTerms(UUID.randomUUID(), Chain.ETHEREUM,
        "0x52908400098527886E0F7030069857D2E4169EE7", new BigDecimal("5"), null, null, null,
        NOW.plus(Duration.ofHours(1)));
    kit.<StatusReply<Invoice>>runCommand(
        reply -> new InvoiceCommand.Create(new InvoiceDraft(terms, new BigDecimal("5.0001"), 12), reply));
  }

  @Test
  void aNotifyingEventAddsAPendingDeliveryThatRecoveryRestores() {
    CommandResultWithReply<InvoiceCommand, InvoiceEvent, InvoiceState, StatusReply<Invoice>> cancelled =
        kit.runCommand(InvoiceCommand.Cancel::new);
    InvoiceEvent.InvoiceCancelled event = cancelled.eventOfType(InvoiceEvent.InvoiceCancelled.class);
    Invoice invoice = cancelled.reply().getValue();

    assertThat(invoice.webhooks()).hasSize(1);
    WebhookDelivery delivery = invoice.webhooks().get(0);
    assertThat(delivery.eventId()).isEqualTo(event.webhookEventId());
    assertThat(delivery.type()).isEqualTo(WebhookEventType.CANCELLED);
    assertThat(delivery.status()).isEqualTo(WebhookDelivery.Status.PENDING);
    assertThat(delivery.nextAttemptAt()).isEqualTo(event.at());
    assertThat(delivery.moment().status()).isEqualTo(InvoiceStatus.CANCELLED);
    assertThat(invoice.atEvent(delivery).status()).isEqualTo(InvoiceStatus.CANCELLED);
    assertThat(invoice.atEvent(delivery).webhooks()).isEmpty();

    kit.restart();
    assertThat(((Invoice) kit.getState()).webhooks()).containsExactly(delivery);
  }

  @Test
  void eachDeliveryRendersTheInvoiceAsItWasAtItsEventWithoutCopyingTheInvoice() {
    Transfer transfer = new Transfer(Chain.ETHEREUM, "0xabc", 0, "0x000000000000000000000000000000000000dEaD",
        "0x52908400098527886E0F7030069857D2E4169EE7", new BigDecimal("5.0001"), 100, "0xblock", NOW);
    kit.<StatusReply<Invoice>>runCommand(reply -> new InvoiceCommand.RecordPayment(transfer, 1, reply));
    kit.<StatusReply<Invoice>>runCommand(reply -> new InvoiceCommand.UpdateConfirmations(transfer.key(), 5, reply));
    Invoice paid = kit.<StatusReply<Invoice>>runCommand(
        reply -> new InvoiceCommand.ConfirmPayment(transfer.key(), 12, reply)).reply().getValue();
    assertThat(paid.status()).isEqualTo(InvoiceStatus.PAID);

    WebhookDelivery detected = paid.webhooks().get(0);
    WebhookDelivery paidEvent = paid.webhooks().get(1);
    assertThat(detected.type()).isEqualTo(WebhookEventType.PAYMENT_DETECTED);
    assertThat(paidEvent.type()).isEqualTo(WebhookEventType.PAID);
    // the merchant hears of the detection as it was: CONFIRMING, one confirmation, nothing paid yet
    Invoice atDetection = paid.atEvent(detected);
    assertThat(atDetection.status()).isEqualTo(InvoiceStatus.CONFIRMING);
    assertThat(atDetection.payments()).singleElement().satisfies(p -> {
      assertThat(p.confirmations()).isEqualTo(1);
      assertThat(p.isFinal()).isFalse();
    });
    assertThat(atDetection.amountPaid()).isZero();
    Invoice atPaid = paid.atEvent(paidEvent);
    assertThat(atPaid.status()).isEqualTo(InvoiceStatus.PAID);
    assertThat(atPaid.amountPaid()).isEqualByComparingTo("5.0001");
    // the terms come from the invoice itself, once
    assertThat(atDetection.draft()).isEqualTo(paid.draft());
  }

  @Test
  void aDeliveryStoredWithTheWholeInvoiceBeforeMomentsStillReads() throws Exception {
    Invoice cancelled = kit.<StatusReply<Invoice>>runCommand(InvoiceCommand.Cancel::new).reply().getValue();
    ObjectMapper cbor = JacksonObjectMapperProvider.get(testKit.system()).getOrCreate("jackson-cbor", Optional.empty());
    // the shape written by earlier versions: each delivery held the whole invoice as of its event
    ObjectNode stored = cbor.valueToTree(cancelled);
    ObjectNode delivery = (ObjectNode) stored.get("webhooks").get(0);
    delivery.remove("moment");
    ObjectNode invoiceAtEvent = cbor.valueToTree(cancelled);
    invoiceAtEvent.set("webhooks", cbor.createArrayNode());
    delivery.set("invoice", invoiceAtEvent);

    Invoice read = cbor.treeToValue(stored, Invoice.class);

    assertThat(read).isEqualTo(cancelled);
    assertThat(read.webhooks().get(0).moment().status()).isEqualTo(InvoiceStatus.CANCELLED);
  }

  @Test
  void anAttemptIsPersistedOnceWithItsSlotInTheScheduleAndSurvivesRecovery() {
    UUID eventId = kit.<StatusReply<Invoice>>runCommand(InvoiceCommand.Cancel::new).reply().getValue()
        .webhooks().get(0).eventId();
    WebhookAttempt failed = new WebhookAttempt(NOW, 500, "HTTP 500", 12, Verdict.RETRY);

    CommandResultWithReply<InvoiceCommand, InvoiceEvent, InvoiceState, StatusReply<Invoice>> first =
        kit.runCommand(reply -> new InvoiceCommand.RecordWebhookAttempt(eventId, 1, failed, reply));
    InvoiceEvent.WebhookAttempted attempted = first.eventOfType(InvoiceEvent.WebhookAttempted.class);
    assertThat(attempted.outcome()).isEqualTo(WebhookDelivery.Status.PENDING);
    // first delay 5 s, stretched by at most the default jitter of 10 %
    assertThat(attempted.nextAttemptAt()).isBetween(NOW.plusSeconds(5), NOW.plusMillis(5500));

    // the delivery actor restarted and reports the same attempt again: nothing new is persisted
    assertThat(kit.<StatusReply<Invoice>>runCommand(
        reply -> new InvoiceCommand.RecordWebhookAttempt(eventId, 1, failed, reply)).events()).isEmpty();

    kit.restart();
    WebhookDelivery recovered = ((Invoice) kit.getState()).webhook(eventId).orElseThrow();
    assertThat(recovered.attempts()).isEqualTo(1);
    assertThat(recovered.scheduleIndex()).isEqualTo(1);
    assertThat(recovered.nextAttemptAt()).isEqualTo(attempted.nextAttemptAt());

    Invoice delivered = kit.<StatusReply<Invoice>>runCommand(reply -> new InvoiceCommand.RecordWebhookAttempt(eventId,
        2, new WebhookAttempt(NOW, 200, null, 8, Verdict.DELIVERED), reply)).reply().getValue();
    assertThat(delivered.webhook(eventId).orElseThrow().status()).isEqualTo(WebhookDelivery.Status.DELIVERED);
    assertThat(delivered.status()).isEqualTo(InvoiceStatus.CANCELLED);
  }

  @Test
  void webhookEventsKeepTheHashChain() {
    Invoice cancelled = kit.<StatusReply<Invoice>>runCommand(InvoiceCommand.Cancel::new).reply().getValue();
    UUID eventId = cancelled.webhooks().get(0).eventId();
    var attempted = kit.<StatusReply<Invoice>>runCommand(reply -> new InvoiceCommand.RecordWebhookAttempt(eventId, 1,
        new WebhookAttempt(NOW, 410, "HTTP 410", 3, Verdict.GONE), reply));
    InvoiceEvent.WebhookAttempted event = attempted.eventOfType(InvoiceEvent.WebhookAttempted.class);
    assertThat(event.prevHash()).isEqualTo(cancelled.lastHash());
    assertThat(attempted.reply().getValue().lastHash()).isEqualTo(EventHasher.hash(event));
    assertThat(event.outcome()).isEqualTo(WebhookDelivery.Status.FAILED);

    var redelivered = kit.<StatusReply<Invoice>>runCommand(reply -> new InvoiceCommand.RedeliverWebhook(eventId, reply));
    InvoiceEvent.WebhookRedeliveryRequested again = redelivered.eventOfType(InvoiceEvent.WebhookRedeliveryRequested.class);
    assertThat(again.prevHash()).isEqualTo(EventHasher.hash(event));
    WebhookDelivery pending = redelivered.reply().getValue().webhook(eventId).orElseThrow();
    assertThat(pending.status()).isEqualTo(WebhookDelivery.Status.PENDING);
    assertThat(pending.scheduleIndex()).isZero();
    assertThat(pending.attempts()).isEqualTo(1);
  }

  @Test
  void unknownWebhookEventsAreRefused() {
    kit.<StatusReply<Invoice>>runCommand(InvoiceCommand.Cancel::new);
    var result = kit.<StatusReply<Invoice>>runCommand(
        reply -> new InvoiceCommand.RedeliverWebhook(UUID.randomUUID(), reply));
    assertThat(result.reply().isError()).isTrue();
    assertThat(result.hasNoEvents()).isTrue();
  }
}
