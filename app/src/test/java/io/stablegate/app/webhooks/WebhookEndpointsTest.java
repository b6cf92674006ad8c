package io.stablegate.app.webhooks;

import static io.stablegate.app.testing.Merchant.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.stablegate.app.StablegateNode;
import io.stablegate.app.testing.Browser;
import io.stablegate.app.testing.LoopbackNode;
import io.stablegate.app.testing.Merchant;
import io.stablegate.engine.webhook.StandardWebhooksVerifier;
import io.stablegate.engine.webhook.WebhookReceiver;
import io.stablegate.persistence.testing.Invoices;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Several webhook endpoints of one merchant, through the public API of a whole node
 * ({@link StablegateNode}, embedded PostgreSQL, real HTTP on loopback): each endpoint receives only the
 * types it subscribed to, signed with its own secret; one that answers 410 is disabled and can be
 * re-enabled; attempts are logged per endpoint.
 */
class WebhookEndpointsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PLACEHOLDER_SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);

  @TempDir
  static Path temp;
  private static LoopbackNode node;
  private static String base;

  @BeforeAll
  static void startNode() {
    node = LoopbackNode.start(temp.resolve("data"),
        ConfigFactory.parseString("stablegate.webhook.sweep-interval = 200ms"));
    base = node.base();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void eachEndpointGetsOnlyItsTypesSignedWithItsOwnSecretAndA410DisablesOne() throws Exception {
    Merchant merchant = Merchant.register(base);
    assertThat(merchant.withSession("PUT", "/api/v1/wallets/ETHEREUM", body(Map.of("address", Invoices.randomEvmWallet())))
        .statusCode()).isEqualTo(200);
    try (WebhookReceiver cancellations = new WebhookReceiver(PLACEHOLDER_SECRET, WebhookReceiver.status(204));
        WebhookReceiver pings = new WebhookReceiver(PLACEHOLDER_SECRET, WebhookReceiver.status(200));
        WebhookReceiver gone = new WebhookReceiver(PLACEHOLDER_SECRET, WebhookReceiver.status(410))) {

      // a filter naming no known type is refused, naming the field
      HttpResponse<String> unknown = merchant.withSession("POST", "/api/v1/webhook-endpoints",
          body(Map.of("url", cancellations.url(), "events", List.of("invoice.nope"))));
      assertThat(unknown.statusCode()).isEqualTo(400);
      assertThat(json(unknown).get("errors").findValuesAsText("field")).containsExactly("events");
      // creating one needs the session, not the API key
      assertThat(merchant.withKey("POST", "/api/v1/webhook-endpoints",
          body(Map.of("url", cancellations.url(), "events", List.of("*")))).statusCode()).isEqualTo(401);

      JsonNode a = created(merchant, cancellations.url(), List.of("invoice.cancelled"));
      JsonNode b = created(merchant, pings.url(), List.of("ping"));
      JsonNode c = created(merchant, gone.url(), List.of("*"));
      String secretA = a.get("secret").asText();
      String secretB = b.get("secret").asText();
      assertThat(secretA).startsWith("whsec_").isNotEqualTo(secretB);
      assertThat(java.util.Base64.getDecoder().decode(secretA.substring(6))).hasSize(32);

      // invoices can be created with the session too (the dashboard), but only with the CSRF header
      assertThat(merchant.withCookiesOnly("POST", "/api/v1/invoices", body(Map.of("amount", "1", "chain", "ETHEREUM")))
          .statusCode()).isEqualTo(403);
      assertThat(merchant.withSession("POST", "/api/v1/invoices", body(Map.of("amount", "1", "chain", "ETHEREUM")))
          .statusCode()).isEqualTo(201);

      // an invoice.cancelled goes to A (its filter) and C (everything), not to B
      HttpResponse<String> invoice = merchant.withKey("POST", "/api/v1/invoices",
          body(Map.of("amount", "12.5", "chain", "ETHEREUM", "orderId", "endpoints-1")));
      assertThat(invoice.statusCode()).as(invoice.body()).isEqualTo(201);
      String invoiceId = json(invoice).get("id").asText();
      assertThat(merchant.withKey("POST", "/api/v1/invoices/" + invoiceId + "/cancel", null).statusCode()).isEqualTo(200);

      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !cancellations.received().isEmpty());
      WebhookReceiver.Received toA = cancellations.received().get(0);
      JsonNode payload = JSON.readTree(toA.body());
      assertThat(payload.get("type").asText()).isEqualTo("invoice.cancelled");
      assertThat(payload.at("/data/invoice/id").asText()).isEqualTo(invoiceId);
      assertThat(StandardWebhooksVerifier.verify(secretA, toA.id(), toA.timestamp(), toA.signature(), toA.body()))
          .as("signed with A's own secret").isTrue();
      assertThat(StandardWebhooksVerifier.verify(secretB, toA.id(), toA.timestamp(), toA.signature(), toA.body()))
          .as("not with B's").isFalse();
      assertThat(StandardWebhooksVerifier.verifyLegacy(secretA, toA.legacySignature(), toA.body())).isTrue();

      // C answered 410: disabled, shown in the listing, and not tried again
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
          endpoint(merchant, c.get("id").asText()).get("disabled").asBoolean());
      assertThat(gone.received()).hasSize(1);
      assertThat(gone.received().get(0).id()).isEqualTo(toA.id()).as("the same event id to every endpoint");

      // a ping goes to B (subscribed to ping) and to no other endpoint
      assertThat(merchant.withKey("POST", "/api/v1/webhook/test", null).statusCode()).isEqualTo(202);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !pings.received().isEmpty());
      WebhookReceiver.Received toB = pings.received().get(0);
      assertThat(JSON.readTree(toB.body()).get("type").asText()).isEqualTo("ping");
      assertThat(StandardWebhooksVerifier.verify(secretB, toB.id(), toB.timestamp(), toB.signature(), toB.body()))
          .isTrue();

      // the delivery log names the endpoint of every attempt
      Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        JsonNode attempts = json(merchant.withKey("GET", "/api/v1/webhook-deliveries?invoiceId=" + invoiceId, null));
        List<String> endpoints = new ArrayList<>();
        attempts.forEach(at -> endpoints.add(at.path("endpointId").asText()));
        assertThat(endpoints).contains(a.get("id").asText(), c.get("id").asText())
            .doesNotContain(b.get("id").asText());
      });
      assertThat(cancellations.received()).hasSize(1);
      assertThat(pings.received()).hasSize(1);

      // re-enable C, rotate A's secret, delete B
      HttpResponse<String> enabled = merchant.withSession("POST", "/api/v1/webhook-endpoints/" + c.get("id").asText() + "/enable", null);
      assertThat(enabled.statusCode()).isEqualTo(200);
      assertThat(json(enabled).get("disabled").asBoolean()).isFalse();
      HttpResponse<String> rotated = merchant.withSession("POST", "/api/v1/webhook-endpoints/" + a.get("id").asText() + "/rotate-secret", null);
      assertThat(rotated.statusCode()).isEqualTo(200);
      assertThat(json(rotated).get("secret").asText()).startsWith("whsec_").isNotEqualTo(secretA);
      assertThat(merchant.withSession("DELETE", "/api/v1/webhook-endpoints/" + b.get("id").asText(), null).statusCode())
          .isEqualTo(204);
      assertThat(merchant.withSession("DELETE", "/api/v1/webhook-endpoints/" + b.get("id").asText(), null).statusCode())
          .isEqualTo(404);
      JsonNode listed = json(merchant.withKey("GET", "/api/v1/webhook-endpoints", null)).get("items");
      assertThat(listed.findValuesAsText("id")).containsExactly(a.get("id").asText(), c.get("id").asText());
      assertThat(listed.toString()).doesNotContain("whsec_");

      // another merchant sees none of them and cannot touch them
      Merchant other = Merchant.register(base);
      assertThat(json(other.withKey("GET", "/api/v1/webhook-endpoints", null)).get("items")).isEmpty();
      assertThat(other.withSession("DELETE", "/api/v1/webhook-endpoints/" + a.get("id").asText(), null).statusCode())
          .isEqualTo(404);
    }
  }

  /**
   * The dashboard in headless Chromium: a merchant registers, sets a wallet, adds a webhook endpoint
   * with a filter (its secret shown once, the endpoint listed) and creates an invoice with the session
   * alone: no API key is asked for.
   */
  @Test
  void theDashboardAddsAnEndpointAndCreatesAnInvoiceWithTheSession() throws Exception {
    try (Browser browser = Browser.start(temp.resolve("chromium-profile"), Path.of("target", "screenshots"))) {
      browser.open(base + "/dashboard/#/register");
      browser.visible("#password[autocomplete=new-password]");
      String email = "dash-" + UUID.randomUUID() + "@example.com";
      browser.type("#email", email);
      browser.type("#password", "correct horse battery staple 42");
      browser.click("button[type=submit]");
      assertThat(browser.visible("#secret-dialog-value").getText()).matches("[0-9a-f]{64}");
      browser.click("#secret-dialog-close");

      browser.visible("form[data-chain=ETHEREUM] input");
      browser.type("form[data-chain=ETHEREUM] input", Invoices.randomEvmWallet());
      browser.click("form[data-chain=ETHEREUM] button[type=submit]");
      browser.await(ExpectedConditions.textToBePresentInElementLocated(
          By.cssSelector("form[data-chain=ETHEREUM] [role=status]"), "saved"));

      // a further endpoint, only for invoice.paid
      browser.visible("#webhook-endpoints .empty");
      browser.type("#endpoint-url", "http://127.0.0.1:9/paid-only");
      browser.click("#endpoint-event-invoice-paid");
      assertThat(browser.find("#endpoint-events-all").isSelected()).isFalse();
      browser.click("#add-endpoint");
      assertThat(browser.visible("#secret-dialog-value").getText()).startsWith("whsec_");
      browser.click("#secret-dialog-close");
      WebElement row = browser.visible("#webhook-endpoints tr[data-endpoint]");
      assertThat(row.getText()).contains("http://127.0.0.1:9/paid-only").contains("invoice.paid").contains("Active");
      browser.screenshot("endpoints-settings-desktop", Browser.DESKTOP);

      // an invoice, with the session alone
      browser.click("a[data-nav=invoices]");
      browser.visible("#amount");
      assertThat(browser.findAll("#apiKey")).isEmpty();
      browser.type("#amount", "7.25");
      browser.type("#orderId", "DASH-1");
      browser.click("#create-title + form button[type=submit]");
      browser.await(d -> d.getCurrentUrl().matches(".*#/invoices/[0-9a-f-]{36}$"));
      assertThat(browser.visible("#invoice-status").getText()).isEqualTo("PENDING");
      assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
    }
  }

  private static JsonNode created(Merchant merchant, String url, List<String> events) throws Exception {
    HttpResponse<String> answer = merchant.withSession("POST", "/api/v1/webhook-endpoints", body(Map.of("url", url, "events", events)));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
    JsonNode body = json(answer);
    assertThat(body.get("url").asText()).isEqualTo(url);
    assertThat(body.get("events").findValuesAsText("")).isEmpty();
    assertThat(JSON.convertValue(body.get("events"), List.class)).isEqualTo(events);
    assertThat(body.get("createdAt").asText()).isNotBlank();
    return body;
  }

  private static JsonNode endpoint(Merchant merchant, String id) throws Exception {
    for (JsonNode e : json(merchant.withKey("GET", "/api/v1/webhook-endpoints", null)).get("items")) {
      if (e.get("id").asText().equals(id)) {
        return e;
      }
    }
    throw new AssertionError("no endpoint " + id);
  }

  private static JsonNode json(HttpResponse<String> answer) throws Exception {
    return JSON.readTree(answer.body());
  }
}
