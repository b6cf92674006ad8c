package io.stablegate.http.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.webhook.InMemoryWebhookEndpoints;
import io.stablegate.engine.webhook.WebhookReceiver;
import io.stablegate.http.Json;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.persistence.testing.Invoices;
import io.stablegate.persistence.testing.TestNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three webhook calls over real HTTP on loopback, on a whole node (webhook delivery, its read
 * side) and a real receiver; merchants authenticate with their API keys.
 */
class WebhookRoutesTest {
  private static final String secret = InMemoryWebhookEndpoints.newSecret();
  private static WebhookReceiver receiver;
  private static ApiTestServer server;
  private static ApiClient merchant;
  private static ApiClient stranger;
  private static ApiClient nobody;

  @BeforeAll
  static void start() throws Exception {
    receiver = new WebhookReceiver(secret, WebhookReceiver.status(204));
    server = new ApiTestServer();
    merchant = server.client().signUp();
    stranger = server.client().signUp();
    nobody = server.client();
    server.node().webhookEndpoint(merchant.merchantId(), receiver.url(), secret);
  }

  @AfterAll
  static void stop() {
    server.close();
    receiver.close();
  }

  @Test
  void attemptsAreListedAndAnEventCanBeRedeliveredByItsOwnerOnly() throws Exception {
    UUID invoiceId = UUID.randomUUID();
    TestNode node = server.node();
    node.invoices().create(new NewInvoice(invoiceId, new InvoiceTerms(merchant.merchantId(), Chain.ETHEREUM,
        Invoices.randomEvmWallet(), new BigDecimal("3"), "o-1", null, "{}", Instant.now().plus(Duration.ofHours(1)))))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    node.invoices().cancel(invoiceId).toCompletableFuture().get(30, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().stream()
        .anyMatch(r -> r.bodyText().contains(invoiceId.toString())));
    String eventId = receiver.received().stream().filter(r -> r.bodyText().contains(invoiceId.toString()))
        .findFirst().orElseThrow().id();

    String list = "/api/v1/webhook-deliveries?invoiceId=" + invoiceId;
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> json(get(list, merchant)).size() == 1);
    JsonNode attempt = json(get(list, merchant)).get(0);
    assertThat(attempt.get("eventId").asText()).isEqualTo(eventId);
    assertThat(attempt.get("type").asText()).isEqualTo("invoice.cancelled");
    assertThat(attempt.get("attempt").asInt()).isEqualTo(1);
    assertThat(attempt.get("statusCode").asInt()).isEqualTo(204);
    assertThat(attempt.get("error").isNull()).isTrue();
    assertThat(attempt.get("durationMs").asLong()).isNotNegative();
    assertThat(Instant.parse(attempt.get("at").asText())).isBefore(Instant.now().plusSeconds(1));

    assertThat(get(list, stranger).status()).isEqualTo(404);
    assertThat(get(list, nobody).status()).isEqualTo(401);
    Answer noInvoice = get("/api/v1/webhook-deliveries", merchant);
    assertThat(noInvoice.status()).isEqualTo(400);
    assertThat(noInvoice.header("Content-Type")).hasValue("application/problem+json");

    String redeliver = "/api/v1/webhook-deliveries/" + eventId + "/redeliver";
    assertThat(post(redeliver, stranger).status()).isEqualTo(404);
    assertThat(post("/api/v1/webhook-deliveries/" + UUID.randomUUID() + "/redeliver", merchant).status())
        .isEqualTo(404);
    assertThat(post(redeliver, merchant).status()).isEqualTo(202);

    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().stream()
        .filter(r -> eventId.equals(r.id())).count() == 2);
    assertThat(receiver.received()).filteredOn(r -> eventId.equals(r.id()))
        .allMatch(WebhookReceiver.Received::verified);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> json(get(list, merchant)).size() == 2);
  }

  @Test
  void theTestCallSendsASignedPingNow() throws Exception {
    Answer answer = post("/api/v1/webhook/test", merchant);
    assertThat(answer.status()).isEqualTo(202);
    String id = json(answer).get("id").asText();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().stream()
        .anyMatch(r -> id.equals(r.id())));
    WebhookReceiver.Received ping = receiver.received().stream().filter(r -> id.equals(r.id())).findFirst()
        .orElseThrow();
    assertThat(ping.verified()).isTrue();
    assertThat(ping.legacyVerified()).isTrue();
    assertThat(Json.MAPPER.readTree(ping.body()).get("type").asText()).isEqualTo("ping");

    assertThat(post("/api/v1/webhook/test", stranger).status()).isEqualTo(409);
    assertThat(post("/api/v1/webhook/test", nobody).status()).isEqualTo(401);
  }

  private static Answer get(String path, ApiClient as) {
    return as == nobody ? as.send("GET", path, null, Map.of()) : as.withKey("GET", path, null);
  }

  private static Answer post(String path, ApiClient as) {
    return as == nobody ? as.send("POST", path, null, Map.of()) : as.withKey("POST", path, null);
  }

  private static JsonNode json(Answer answer) {
    return answer.json();
  }
}
