package io.stablegate.app;

import static io.stablegate.app.testing.Merchant.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.stablegate.app.audit.AuditCommand;
import io.stablegate.app.testing.Browser;
import io.stablegate.app.testing.LoopbackNode;
import io.stablegate.app.testing.Merchant;
import io.stablegate.engine.webhook.StandardWebhooksVerifier;
import io.stablegate.engine.webhook.WebhookReceiver;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.testing.Invoices;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
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
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Test mode through the public API of a whole node ({@link StablegateNode}, embedded PostgreSQL, real
 * HTTP on loopback, a real webhook receiver): a test key, a test invoice paid by simulation through the
 * matching, confirmation and webhook path, its webhooks signed as usual and marked {@code livemode:
 * false}; live and test invoices kept apart in listings, reads and exports; the live key gets 404 on
 * the simulation endpoint; partial and over-payments by simulation.
 */
class LiveAndTestModeIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path temp;
  private static LoopbackNode node;
  private static String base;

  @BeforeAll
  static void startNode() {
    node = LoopbackNode.start(temp.resolve("data"));
    base = node.base();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aTestInvoicePaidBySimulationIsSignedAndMarkedAndKeptApartFromLiveOnes() throws Exception {
    Merchant merchant = Merchant.register(base);
    String wallet = Invoices.randomEvmWallet();
    merchant.wallet("ETHEREUM", wallet);
    try (WebhookReceiver receiver = new WebhookReceiver("whsec_" + java.util.Base64.getEncoder()
        .encodeToString(new byte[32]), WebhookReceiver.status(204))) {
      HttpResponse<String> webhook = merchant.withSession("PUT", "/api/v1/webhook", body(Map.of("url", receiver.url())));
      assertThat(webhook.statusCode()).as(webhook.body()).isEqualTo(200);
      String secret = json(webhook).get("secret").asText();

      // the test key: with a session only, shown once, a 64-hex key unlike the live one
      assertThat(merchant.withKey("POST", "/api/v1/api-keys/test", null).statusCode()).isEqualTo(401);
      assertThat(merchant.issueTestKey()).matches("[0-9a-f]{64}").isNotEqualTo(merchant.apiKey());

      HttpResponse<String> live = merchant.withKey("POST", "/api/v1/invoices", body(Map.of("amount", "10", "chain", "ETHEREUM")));
      assertThat(live.statusCode()).as(live.body()).isEqualTo(201);
      assertThat(json(live).get("livemode").asBoolean()).isTrue();
      String liveId = json(live).get("id").asText();
      HttpResponse<String> test = merchant.withTestKey("POST", "/api/v1/invoices", body(Map.of("amount", "10", "chain", "ETHEREUM", "orderId", "T-1")));
      assertThat(test.statusCode()).as(test.body()).isEqualTo(201);
      JsonNode testInvoice = json(test);
      String testId = testInvoice.get("id").asText();
      assertThat(testInvoice.get("livemode").asBoolean()).isFalse();

      // apart: each mode lists and reaches only its own invoices
      Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(ids(merchant.withKey("GET", "/api/v1/invoices", null))).containsExactly(liveId);
        assertThat(ids(merchant.withTestKey("GET", "/api/v1/invoices", null))).containsExactly(testId);
        assertThat(ids(merchant.withSession("GET", "/api/v1/invoices?livemode=false", null))).containsExactly(testId);
        assertThat(ids(merchant.withSession("GET", "/api/v1/invoices", null))).containsExactly(liveId);
      });
      assertThat(merchant.withKey("GET", "/api/v1/invoices/" + testId, null).statusCode()).isEqualTo(404);
      assertThat(merchant.withTestKey("GET", "/api/v1/invoices/" + liveId, null).statusCode()).isEqualTo(404);
      assertThat(merchant.withTestKey("GET", "/api/v1/settings-changes", null).statusCode()).isEqualTo(403);
      String today = LocalDate.now(ZoneOffset.UTC).toString();
      String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
      String export = "/api/v1/invoices/export?format=json&from=" + today + "&to=" + tomorrow;
      assertThat(merchant.withKey("GET", export, null).body()).contains(liveId).doesNotContain(testId);
      assertThat(merchant.withTestKey("GET", export, null).body()).contains(testId).doesNotContain(liveId);

      // the checkout page of a test invoice warns the payer; a live invoice's page does not
      assertThat(Merchant.send(base, "GET", "/pay/" + testId, null, Map.of()).body())
          .contains("<p id=\"test-invoice\" class=\"notice notice-warning\" >Test invoice:");
      assertThat(Merchant.send(base, "GET", "/pay/" + liveId, null, Map.of()).body())
          .contains("<p id=\"test-invoice\" class=\"notice notice-warning\" hidden>");

      // the simulation: 404 for the live key and for a live invoice; bad input named
      String pay = "/api/v1/test/invoices/" + testId + "/payments";
      assertThat(merchant.withKey("POST", pay, body(Map.of())).statusCode()).isEqualTo(404);
      assertThat(merchant.withTestKey("POST", "/api/v1/test/invoices/" + liveId + "/payments", body(Map.of())).statusCode())
          .isEqualTo(404);
      HttpResponse<String> bad = merchant.withTestKey("POST", pay, body(Map.of("amount", "-1")));
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(json(bad).get("errors").findValuesAsText("field")).containsExactly("amount");

      // by default the payAmount with the required confirmations: final at once, PAID
      HttpResponse<String> paid = merchant.withTestKey("POST", pay, body(Map.of()));
      assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
      assertThat(json(paid).get("status").asText()).isEqualTo("PAID");
      assertThat(json(paid).get("payments").get(0).get("amount").asText())
          .isEqualTo(testInvoice.get("payAmount").asText());

      // fewer confirmations than required: seen, not final
      String other = json(merchant.withTestKey("POST", "/api/v1/invoices", body(Map.of("amount", "4", "chain", "ETHEREUM"))))
          .get("id").asText();
      HttpResponse<String> seen = merchant.withTestKey("POST", "/api/v1/test/invoices/" + other + "/payments", body(Map.of("confirmations", 1)));
      assertThat(seen.statusCode()).as(seen.body()).isEqualTo(200);
      assertThat(json(seen).get("status").asText()).isEqualTo("CONFIRMING");

      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().stream()
          .anyMatch(r -> r.bodyText().contains("\"invoice.paid\"")));
      WebhookReceiver.Received first = receiver.received().stream()
          .filter(r -> r.bodyText().contains("\"invoice.paid\"")).findFirst().orElseThrow();
      JsonNode payload = JSON.readTree(first.bodyText());
      assertThat(payload.get("livemode").asBoolean()).isFalse();
      assertThat(payload.at("/data/invoice/livemode").asBoolean()).isFalse();
      assertThat(payload.at("/data/invoice/id").asText()).isEqualTo(testId);
      assertThat(StandardWebhooksVerifier.verify(secret, first.id(), first.timestamp(), first.signature(),
          first.body())).isTrue();
      // the live invoice is untouched
      JsonNode liveNow = json(merchant.withKey("GET", "/api/v1/invoices/" + liveId, null));
      assertThat(liveNow.get("status").asText()).isEqualTo("PENDING");
      assertThat(liveNow.get("payments")).isEmpty();
    }
  }

  @Test
  void aPartialPaymentThenTheRestThenAnOverpaymentBySimulation() throws Exception {
    Merchant merchant = Merchant.register(base);
    merchant.wallet("ETHEREUM", Invoices.randomEvmWallet());
    merchant.issueTestKey();
    JsonNode invoice = json(merchant.withTestKey("POST", "/api/v1/invoices", body(Map.of("amount", "20", "chain", "ETHEREUM"))));
    String pay = "/api/v1/test/invoices/" + invoice.get("id").asText() + "/payments";

    // another amount is credited only once final
    HttpResponse<String> early = merchant.withTestKey("POST", pay, body(Map.of("amount", "5", "confirmations", 1)));
    assertThat(early.statusCode()).isEqualTo(400);
    assertThat(json(early).get("errors").findValuesAsText("field")).containsExactly("confirmations");

    JsonNode partial = json(merchant.withTestKey("POST", pay, body(Map.of("amount", "5"))));
    assertThat(partial.get("status").asText()).isEqualTo("PARTIALLY_PAID");
    assertThat(new BigDecimal(partial.get("amountPaid").asText())).isEqualByComparingTo("5");
    assertThat(new BigDecimal(partial.get("amountDue").asText())).isEqualByComparingTo("15");

    // the remainder's own payAmount pays the rest, exactly as a chain transfer of it would
    JsonNode rest = json(merchant.withTestKey("POST", pay, body(Map.of("amount", partial.get("payAmount").asText()))));
    assertThat(rest.get("status").asText()).isEqualTo("PAID");

    JsonNode second = json(merchant.withTestKey("POST", "/api/v1/invoices", body(Map.of("amount", "3", "chain", "ETHEREUM"))));
    JsonNode over = json(merchant.withTestKey("POST", "/api/v1/test/invoices/" + second.get("id").asText() + "/payments", body(Map.of("amount", "4.5"))));
    assertThat(over.get("status").asText()).isEqualTo("PAID");
    assertThat(over.get("overpaid").asBoolean()).isTrue();
    assertThat(over.get("livemode").asBoolean()).isFalse();

    // the auditor replays and checks test invoices too, and keeps them out of the paid totals
    DbCoordinates db = node.node().database().coordinates();
    StringWriter out = new StringWriter();
    int code = new AuditCommand(ConfigFactory.load(), out, new StringWriter())
        .run("verify", "--db", db.url(), "--db-user", db.user(), "--db-password", db.password());
    assertThat(code).as(out.toString()).isZero();
    assertThat(out.toString()).containsPattern("test invoices +[0-9]+ \\(test mode");
  }

  /**
   * The dashboard in headless Chromium: the Test mode switch shows and creates test invoices apart from
   * live ones, the export link follows the mode, and a test API key is issued from the settings.
   */
  @Test
  void theDashboardSwitchesBetweenLiveAndTestAndExports() throws Exception {
    try (Browser browser = Browser.start(temp.resolve("chromium-profile"), Path.of("target", "screenshots"))) {
      browser.open(base + "/dashboard/#/register");
      browser.visible("#password[autocomplete=new-password]");
      browser.type("#email", "mode-" + UUID.randomUUID() + "@example.com");
      browser.type("#password", "correct horse battery staple 42");
      browser.click("button[type=submit]");
      browser.visible("#secret-dialog-value");
      browser.click("#secret-dialog-close");
      browser.visible("form[data-chain=ETHEREUM] input");
      browser.type("form[data-chain=ETHEREUM] input", Invoices.randomEvmWallet());
      browser.click("form[data-chain=ETHEREUM] button[type=submit]");
      browser.await(ExpectedConditions.textToBePresentInElementLocated(
          By.cssSelector("form[data-chain=ETHEREUM] [role=status]"), "saved"));

      browser.click("#create-test-api-key");
      assertThat(browser.visible("#secret-dialog-value").getText()).matches("[0-9a-f]{64}");
      browser.click("#secret-dialog-close");

      // a test invoice, created in test mode
      browser.click("a[data-nav=invoices]");
      browser.visible("#test-mode-switch");
      assertThat(browser.find("#test-mode-banner").isDisplayed()).isFalse();
      browser.click("#test-mode-switch");
      assertThat(browser.visible("#test-mode-banner").getText()).contains("Test mode");
      assertThat(browser.find("#create-title").getText()).isEqualTo("Create a test invoice");
      assertThat(browser.find("#export-download").getAttribute("href")).contains("livemode=false");
      browser.type("#amount", "3.5");
      browser.type("#orderId", "TEST-1");
      browser.click("#create-title + form button[type=submit]");
      browser.await(d -> d.getCurrentUrl().matches(".*#/invoices/[0-9a-f-]{36}$")
          || d.findElements(By.cssSelector("#create-title + form .form-alert:not([hidden])")).size() > 0);
      assertThat(browser.driver().getCurrentUrl()).as(browser.find("main").getText())
          .matches(".*#/invoices/[0-9a-f-]{36}$");
      assertThat(browser.visible("#invoice-status").getText()).isEqualTo("PENDING");

      // listed in test mode, not in live mode
      browser.click("a[data-nav=invoices]");
      browser.await(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".table-wrap"), "TEST-1"));
      browser.click("#test-mode-switch");
      browser.await(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".table-wrap"),
          "No invoices match."));
      assertThat(browser.find("#export-download").getAttribute("href")).doesNotContain("livemode")
          .contains("/api/v1/invoices/export?from=");
      assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
    }
  }

  private static List<String> ids(HttpResponse<String> listing) throws Exception {
    assertThat(listing.statusCode()).as(listing.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    json(listing).get("items").forEach(i -> ids.add(i.get("id").asText()));
    return ids;
  }

  private static JsonNode json(HttpResponse<String> answer) throws Exception {
    return JSON.readTree(answer.body());
  }
}
