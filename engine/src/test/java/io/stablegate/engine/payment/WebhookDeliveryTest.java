package io.stablegate.engine.payment;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceCommand;
import io.stablegate.engine.invoice.InvoiceDraft;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.engine.invoice.InvoiceEvent;
import io.stablegate.engine.invoice.InvoiceSettings;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.invoice.WebhookDelivery;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.webhook.AttemptResult;
import io.stablegate.engine.webhook.InMemoryWebhookEndpoints;
import io.stablegate.engine.webhook.WebhookDispatch;
import io.stablegate.engine.webhook.WebhookReceiver;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delivery end to end inside one ActorSystem (in-memory journal): a real invoice entity, its
 * delivery actor, the real HTTP client, and a real receiver on loopback that checks signatures with
 * its own implementation of the spec. The retry schedule is compressed by configuration only.
 */
class WebhookDeliveryTest {

  static final Config CONFIG = ConfigFactory.parseString("""
          stablegate.webhook.retry-schedule = "100ms,2s,2s,2s"
          stablegate.webhook.jitter = 0
          stablegate.webhook.timeout = 2s
          stablegate.webhook.restart-backoff.min = 20ms
          stablegate.webhook.restart-backoff.max = 100ms
          stablegate.webhook.response-body-limit = 1KiB
          pekko.loglevel = WARNING
          """)
      .withFallback(PersistenceTestKitPlugin.getInstance().config())
      .withFallback(ConfigFactory.load());

  static final ActorTestKit testKit = ActorTestKit.create(CONFIG);
  static final InMemoryWebhookEndpoints endpoints = new InMemoryWebhookEndpoints();
  static final WebhookDispatch dispatch = WebhookDispatch.create(testKit.system(), endpoints);
  static final PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());

  @BeforeAll
  static void warmUp() throws Exception {
    warmUp(dispatch);
  }

  /** The first request of an ActorSystem starts the HTTP client; on a busy machine that alone can take seconds. */
  static void warmUp(WebhookDispatch dispatch) throws Exception {
    String secret = InMemoryWebhookEndpoints.newSecret();
    try (WebhookReceiver receiver = new WebhookReceiver(secret, WebhookReceiver.status(204))) {
      for (int i = 0; i < 10; i++) {
        AttemptResult result = dispatch.sender().send(UUID.randomUUID(), receiver.url(), "warm-up", new byte[0],
            List.of(secret)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (result.verdict() == AttemptResult.Verdict.DELIVERED) {
          return;
        }
      }
    }
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aReceiverFailingThreeTimesGetsTheEventOnTheFourthAttemptWithTheSameId() throws Exception {
    String secret = InMemoryWebhookEndpoints.newSecret();
    CountDownLatch hang = new CountDownLatch(1);
    try (WebhookReceiver receiver = new WebhookReceiver(secret, (n, exchange) -> {
      switch (n) {
        case 1 -> {
          byte[] body = "database down".getBytes();
          exchange.sendResponseHeaders(500, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        }
        case 2 -> {
          // answers long after the client gave up (the client's timeout is 2 s)
          awaitQuietly(hang);
          exchange.close();
        }
        default -> WebhookReceiver.writeOk(exchange);
      }
    })) {
      TestInvoice invoice = newInvoice(receiver.url(), secret);
      invoice.cancel();

      awaitAttempts(invoice, 2);
      hang.countDown();
      receiver.stop();                 // attempt 3: connection refused
      awaitAttempts(invoice, 3);
      receiver.restart();              // attempt 4: answered

      Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> invoice.delivery().status() == WebhookDelivery.Status.DELIVERED);
      WebhookDelivery delivery = invoice.delivery();
      assertThat(delivery.attempts()).isEqualTo(4);

      List<WebhookReceiver.Received> got = receiver.received();
      assertThat(got).hasSize(3); // attempt 3 never reached it
      assertThat(got).allSatisfy(r -> {
        assertThat(r.id()).isEqualTo(delivery.eventId().toString());
        assertThat(r.verified()).isTrue();
        assertThat(r.legacyVerified()).isTrue();
        assertThat(r.bodyText()).contains("\"id\":\"" + delivery.eventId() + "\"", "\"type\":\"invoice.cancelled\"",
            "\"status\":\"CANCELLED\"", "\"checkoutUrl\":\"http://localhost:8080/pay/" + invoice.id + "\"");
      });
      assertThat(got.get(0).bodyText()).isEqualTo(got.get(2).bodyText());

      List<InvoiceEvent.WebhookAttempted> attempts = invoice.attempts();
      assertThat(attempts).extracting(InvoiceEvent.WebhookAttempted::statusCode).containsExactly(500, null, null, 200);
      assertThat(attempts.get(0).error()).isEqualTo("HTTP 500: database down");
      assertThat(attempts.get(1).error()).contains("timed out");
      assertThat(attempts.get(2).error()).isNotBlank();
      assertThat(attempts.get(3).error()).isNull();
      assertThat(attempts).extracting(InvoiceEvent.WebhookAttempted::outcome).containsExactly(
          WebhookDelivery.Status.PENDING, WebhookDelivery.Status.PENDING, WebhookDelivery.Status.PENDING,
          WebhookDelivery.Status.DELIVERED);
      // the schedule, compressed: 100 ms after the first failure, 2 s after the next ones
      assertThat(Duration.between(attempts.get(0).at(), attempts.get(0).nextAttemptAt())).isEqualTo(Duration.ofMillis(100));
      assertThat(Duration.between(attempts.get(1).at(), attempts.get(1).nextAttemptAt())).isEqualTo(Duration.ofSeconds(2));
    }
  }

  @Test
  void whenTheScheduleIsExhaustedTheEventIsMarkedFailed() throws Exception {
    String secret = InMemoryWebhookEndpoints.newSecret();
    try (WebhookReceiver receiver = new WebhookReceiver(secret, WebhookReceiver.status(503))) {
      Config fast = ConfigFactory.parseString("stablegate.webhook.retry-schedule = \"50ms,50ms\"").withFallback(CONFIG);
      ActorTestKit kit = ActorTestKit.create(fast);
      try {
        WebhookDispatch fastDispatch = WebhookDispatch.create(kit.system(), endpoints);
        warmUp(fastDispatch);
        TestInvoice invoice = newInvoice(kit, fastDispatch, receiver.url(), secret);
        invoice.cancel();
        Awaitility.await().atMost(Duration.ofSeconds(10))
            .until(() -> invoice.delivery().status() == WebhookDelivery.Status.FAILED);
        assertThat(invoice.delivery().attempts()).isEqualTo(3);
        assertThat(receiver.received()).hasSize(3);
      } finally {
        kit.shutdownTestKit();
      }
    }
  }

  @Test
  void gone410DisablesTheEndpointAndStopsDelivering() throws Exception {
    String secret = InMemoryWebhookEndpoints.newSecret();
    try (WebhookReceiver receiver = new WebhookReceiver(secret, WebhookReceiver.status(410))) {
      TestInvoice invoice = newInvoice(receiver.url(), secret);
      invoice.cancel();
      Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> invoice.delivery().status() == WebhookDelivery.Status.FAILED);
      Awaitility.await().atMost(Duration.ofSeconds(5))
          .until(() -> endpoints.get(invoice.merchantId).orElseThrow().disabled());
      assertThat(invoice.delivery().attempts()).isEqualTo(1);
      assertThat(invoice.attempts().get(0).statusCode()).isEqualTo(410);
      assertThat(receiver.received()).hasSize(1);
    }
  }

  @Test
  void aRedirectIsNotFollowed() throws Exception {
    String secret = InMemoryWebhookEndpoints.newSecret();
    try (WebhookReceiver receiver = new WebhookReceiver(secret, (n, exchange) -> {
      exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + exchange.getLocalAddress().getPort()
          + "/elsewhere");
      exchange.sendResponseHeaders(302, -1);
      exchange.close();
    })) {
      TestInvoice invoice = newInvoice(receiver.url(), secret);
      invoice.cancel();
      awaitAttempts(invoice, 1);
      assertThat(invoice.attempts().get(0).statusCode()).isEqualTo(302);
      assertThat(invoice.attempts().get(0).error()).isEqualTo("HTTP 302");
      assertThat(invoice.delivery().status()).isEqualTo(WebhookDelivery.Status.PENDING);
      assertThat(receiver.received()).extracting(WebhookReceiver.Received::path).containsOnly("/hooks");
    }
  }

  @Test
  void aResponseBodyLargerThanTheLimitIsNotReadInFull() throws Exception {
    String secret = InMemoryWebhookEndpoints.newSecret();
    AtomicLong written = new AtomicLong();
    AtomicBoolean cutOff = new AtomicBoolean();
    long endless = 1L << 34; // 16 GiB: reading it all would take far longer than the 2 s timeout
    try (WebhookReceiver receiver = new WebhookReceiver(secret, (n, exchange) -> {
      exchange.sendResponseHeaders(200, 0); // chunked, no length
      byte[] chunk = new byte[64 * 1024];
      try (OutputStream out = exchange.getResponseBody()) {
        while (written.get() < endless) {
          out.write(chunk);
          written.addAndGet(chunk.length);
        }
      } catch (IOException e) {
        cutOff.set(true); // the client closed the connection
      }
    })) {
      TestInvoice invoice = newInvoice(receiver.url(), secret);
      invoice.cancel();
      Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> invoice.delivery().status() == WebhookDelivery.Status.DELIVERED);
      assertThat(invoice.attempts().get(0).statusCode()).isEqualTo(200);
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilTrue(cutOff);
      assertThat(written.get()).isLessThan(endless);
    }
  }

  @Test
  void redeliveryResendsTheSameEventAfterItWasDelivered() throws Exception {
    String secret = InMemoryWebhookEndpoints.newSecret();
    try (WebhookReceiver receiver = new WebhookReceiver(secret, WebhookReceiver.status(204))) {
      TestInvoice invoice = newInvoice(receiver.url(), secret);
      invoice.cancel();
      Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> invoice.delivery().status() == WebhookDelivery.Status.DELIVERED);
      UUID eventId = invoice.delivery().eventId();

      AskPattern.<InvoiceCommand, org.apache.pekko.pattern.StatusReply<Invoice>>ask(invoice.entity,
              reply -> new InvoiceCommand.RedeliverWebhook(eventId, reply), Duration.ofSeconds(5),
              testKit.system().scheduler())
          .toCompletableFuture().get(5, TimeUnit.SECONDS);

      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 2);
      assertThat(receiver.received()).extracting(WebhookReceiver.Received::id).containsOnly(eventId.toString());
      Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> invoice.delivery().status() == WebhookDelivery.Status.DELIVERED
              && invoice.delivery().attempts() == 2);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitAttempts(TestInvoice invoice, int attempts) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> invoice.delivery().attempts() >= attempts);
  }

  private static TestInvoice newInvoice(String url, String secret) throws Exception {
    return newInvoice(testKit, dispatch, url, secret);
  }

  static TestInvoice newInvoice(ActorTestKit kit, WebhookDispatch dispatch, String url, String secret)
      throws Exception {
    UUID invoiceId = UUID.randomUUID();
    UUID merchantId = UUID.randomUUID();
    endpoints.put(merchantId, url, secret);
    ActorRef<InvoiceCommand> entity = kit.spawn(InvoiceEntity.create(invoiceId,
        InvoiceSettings.fromConfig(kit.system().settings().config()), Clock.systemUTC(), Optional.of(WebhookDeliveryActor.courier(dispatch))));
    TestInvoice invoice = new TestInvoice(kit, entity, invoiceId, merchantId);
    invoice.ask(reply -> new InvoiceCommand.Create(new InvoiceDraft(new InvoiceTerms(merchantId, Chain.ETHEREUM,
        "0x52908400098527886E0F7030069857D2E4169EE7", new BigDecimal("10.5"), "A-1", null, "{}",
        Instant.now().plus(Duration.ofHours(1))), new BigDecimal("10.5001"), 12), reply));
    return invoice;
  }

  record TestInvoice(ActorTestKit kit, ActorRef<InvoiceCommand> entity, UUID id, UUID merchantId) {
    Invoice ask(org.apache.pekko.japi.function.Function<ActorRef<org.apache.pekko.pattern.StatusReply<Invoice>>,
        InvoiceCommand> command) throws Exception {
      // generous: the first entity of a fresh ActorSystem starts its journal plugin, slow on a loaded machine
      return AskPattern.askWithStatus(entity, command, Duration.ofSeconds(30), kit.system().scheduler())
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    void cancel() throws Exception {
      ask(InvoiceCommand.Cancel::new);
    }

    WebhookDelivery delivery() throws Exception {
      return ask(InvoiceCommand.Get::new).webhooks().get(0);
    }

    List<InvoiceEvent.WebhookAttempted> attempts() {
      return PersistenceTestKit.create(kit.system()).persistedInStorage("Invoice|" + id).stream()
          .filter(InvoiceEvent.WebhookAttempted.class::isInstance)
          .map(InvoiceEvent.WebhookAttempted.class::cast)
          .toList();
    }
  }
}
