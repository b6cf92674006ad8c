package io.stablegate.http.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.InvoiceService.NewInvoice;
import io.stablegate.engine.webhook.InMemoryWebhookEndpoints;
import io.stablegate.engine.webhook.WebhookPinger;
import io.stablegate.engine.webhook.WebhookReceiver;
import io.stablegate.http.Authenticated;
import io.stablegate.http.Json;
import io.stablegate.persistence.testing.Invoices;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three webhook calls over real HTTP on loopback, on a one-node engine with webhook delivery and
 * a real receiver. Authentication is a stand-in: the merchant id comes from a test header.
 */
class WebhookRoutesTest {
  private static final String MERCHANT_HEADER = "X-Test-Merchant";

  private static final InMemoryWebhookEndpoints endpoints = new InMemoryWebhookEndpoints();
  private static final String secret = InMemoryWebhookEndpoints.newSecret();
  private static final UUID merchant = UUID.randomUUID();
  private static final UUID stranger = UUID.randomUUID();
  private static final HttpClient client = HttpClient.newHttpClient();
  private static WebhookReceiver receiver;
  private static TestNode node;
  private static ServerBinding binding;

  /** Stand-in for the API's authentication: the merchant id in a header, 401 without it. */
  private static final class HeaderAuthenticated extends AllDirectives implements Authenticated {
    @Override
    public Route merchant(java.util.function.Function<UUID, Route> inner) {
      return optionalHeaderValueByName(MERCHANT_HEADER, value -> value
          .map(v -> inner.apply(UUID.fromString(v)))
          .orElseGet(() -> complete(StatusCodes.UNAUTHORIZED)));
    }
  }

  @BeforeAll
  static void start() throws Exception {
    receiver = new WebhookReceiver(secret, WebhookReceiver.status(204));
    endpoints.put(merchant, receiver.url(), secret);
    node = new TestNode(TestDatabase.fresh(), endpoints, ConfigFactory.empty());
    Authenticated auth = new HeaderAuthenticated();
    var blocking = node.system().dispatchers().lookup(DispatcherSelector.blocking());
    Route routes = new AllDirectives() {}.concat(
        new WebhookDeliveryRoutes(auth, node.deliveries(), node.webhooks(), blocking).route(),
        new WebhookTestRoutes(auth, new WebhookPinger(node.dispatch())).route());
    binding = Http.get(node.system()).newServerAt("127.0.0.1", 0).bind(routes)
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    binding.unbind();
    node.close();
    receiver.close();
  }

  @Test
  void attemptsAreListedAndAnEventCanBeRedeliveredByItsOwnerOnly() throws Exception {
    UUID invoiceId = UUID.randomUUID();
    node.invoices().create(new NewInvoice(invoiceId, new InvoiceTerms(merchant, Chain.ETHEREUM,
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

    assertThat(get(list, stranger).statusCode()).isEqualTo(404);
    assertThat(get(list, null).statusCode()).isEqualTo(401);
    HttpResponse<String> noInvoice = get("/api/v1/webhook-deliveries", merchant);
    assertThat(noInvoice.statusCode()).isEqualTo(400);
    assertThat(noInvoice.headers().firstValue("Content-Type")).hasValue("application/problem+json");

    String redeliver = "/api/v1/webhook-deliveries/" + eventId + "/redeliver";
    assertThat(post(redeliver, stranger).statusCode()).isEqualTo(404);
    assertThat(post("/api/v1/webhook-deliveries/" + UUID.randomUUID() + "/redeliver", merchant).statusCode())
        .isEqualTo(404);
    assertThat(post(redeliver, merchant).statusCode()).isEqualTo(202);

    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().stream()
        .filter(r -> eventId.equals(r.id())).count() == 2);
    assertThat(receiver.received()).filteredOn(r -> eventId.equals(r.id()))
        .allMatch(WebhookReceiver.Received::verified);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> json(get(list, merchant)).size() == 2);
  }

  @Test
  void theTestCallSendsASignedPingNow() throws Exception {
    HttpResponse<String> answer = post("/api/v1/webhook/test", merchant);
    assertThat(answer.statusCode()).isEqualTo(202);
    String id = json(answer).get("id").asText();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().stream()
        .anyMatch(r -> id.equals(r.id())));
    WebhookReceiver.Received ping = receiver.received().stream().filter(r -> id.equals(r.id())).findFirst()
        .orElseThrow();
    assertThat(ping.verified()).isTrue();
    assertThat(ping.legacyVerified()).isTrue();
    assertThat(Json.MAPPER.readTree(ping.body()).get("type").asText()).isEqualTo("ping");

    assertThat(post("/api/v1/webhook/test", stranger).statusCode()).isEqualTo(409);
    assertThat(post("/api/v1/webhook/test", null).statusCode()).isEqualTo(401);
  }

  private static HttpResponse<String> get(String path, UUID as) throws Exception {
    return client.send(request(path, as).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, UUID as) throws Exception {
    return client.send(request(path, as).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(String path, UUID as) {
    HttpRequest.Builder b = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path)).timeout(Duration.ofSeconds(30));
    Optional.ofNullable(as).ifPresent(m -> b.header(MERCHANT_HEADER, m.toString()));
    return b;
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.MAPPER.readTree(response.body());
  }
}
