package io.stablegate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stablegate.app.testing.Browser;
import io.stablegate.app.testing.LoopbackNode;
import io.stablegate.app.testing.PageTestbed;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.PaymentMatcher;
import io.stablegate.persistence.testing.Invoices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * On a real node (StablegateNode, in process, no chain watchers) in headless Chromium: the API
 * reference at /docs/api renders every documented operation without a console error (so without a
 * CSP violation), and the checkout page offers "Return to the shop" with the invoice's redirectUrl
 * once the invoice is paid (the payment goes through the node's own matching), not before.
 */
class ApiReferenceAndReturnIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final PageTestbed bed = PageTestbed.start();
  private static final String base = bed.base();
  private static final Browser browser = bed.browser();
  private static final LoopbackNode node = bed.node();

  @Test
  void theApiReferenceRendersEveryOperationWithoutConsoleErrors() throws Exception {
    JsonNode document = JSON.readTree(send("GET", "/api/v1/openapi.json", null, Map.of()).body());
    int operations = 0;
    for (JsonNode path : document.get("paths")) {
      operations += path.size();
    }
    HttpResponse<String> page = send("GET", "/docs/api", null, Map.of());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
        assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval"));
    assertThat(page.body()).doesNotContain("http://", "https://").doesNotContain("<script>");

    browser.open(base + "/docs/api");
    int expected = operations;
    browser.await(d -> d.findElements(By.cssSelector(".opblock")).size() == expected);
    assertThat(browser.find(".info .title").getText()).contains("Stablegate merchant API");
    // an operation opens with its example
    browser.click("#operations-default-post_api_v1_invoices .opblock-summary-control");
    browser.await(ExpectedConditions.textToBePresentInElementLocated(
        By.cssSelector("#operations-default-post_api_v1_invoices"), "redirectUrl"));
    browser.screenshot("api-reference-desktop", Browser.DESKTOP);
    assertThat(browser.consoleMessages()).isEmpty();
  }

  @Test
  void theCheckoutPageOffersReturnToTheShopOncePaid() throws Exception {
    String email = "shop-" + UUID.randomUUID() + "@example.com";
    String credentials = JSON.writeValueAsString(Map.of("email", email, "password", "a long passphrase 2026!"));
    JsonNode registered = JSON.readTree(send("POST", "/api/v1/auth/register", credentials, Map.of()).body());
    String apiKey = registered.get("apiKey").asText();
    HttpResponse<String> login = send("POST", "/api/v1/auth/login", credentials, Map.of());
    String cookies = String.join("; ", login.headers().allValues("set-cookie").stream().map(c -> c.split(";", 2)[0]).toList());
    String csrf = login.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("csrf="))
        .map(c -> c.split(";", 2)[0].substring(5)).findFirst().orElseThrow();
    assertThat(send("PUT", "/api/v1/wallets/ETHEREUM", JSON.writeValueAsString(Map.of("address", Invoices.randomEvmWallet())),
        Map.of("Cookie", cookies, "X-CSRF-Token", csrf)).statusCode()).isEqualTo(200);
    String redirect = "https://shop.example.com/orders/42?paid=1&lang=en";
    HttpResponse<String> created = send("POST", "/api/v1/invoices",
        JSON.writeValueAsString(Map.of("amount", "12.5", "chain", "ETHEREUM", "redirectUrl", redirect)),
        Map.of("Authorization", "Bearer " + apiKey));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    UUID id = UUID.fromString(JSON.readTree(created.body()).get("id").asText());

    browser.open(base + "/pay/" + id);
    browser.visible("#pay-details");
    assertThat(browser.find("#return").isDisplayed()).isFalse();

    Invoice invoice = node.node().invoices().get(id).toCompletableFuture().get();
    PaymentMatcher matcher = node.node().matcher();
    Transfer transfer = new Transfer(Chain.ETHEREUM, "0x" + "ab".repeat(32), 0, Invoices.randomEvmWallet(),
        invoice.address(), invoice.payAmount(), 100, "0x" + "cd".repeat(32), Instant.now());
    matcher.observeAll(List.of(transfer), t -> 1).toCompletableFuture().get();
    matcher.confirm(id, transfer.key(), invoice.requiredConfirmations()).toCompletableFuture().get();

    browser.await(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#return-link")));
    assertThat(browser.find(".status-message[data-for=PAID]").isDisplayed()).isTrue();
    assertThat(browser.find("#return-link").getAttribute("href")).isEqualTo(redirect);
    assertThat(browser.find("#return-link").getText()).isEqualTo("Return to the shop");
    browser.screenshot("checkout-paid-return", Browser.PHONE);
    assertThat(browser.consoleMessages()).isEmpty();
  }

  private static HttpResponse<String> send(String method, String path, String json, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
