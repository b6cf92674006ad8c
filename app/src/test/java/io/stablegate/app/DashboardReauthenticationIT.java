package io.stablegate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.stablegate.app.testing.Browser;
import io.stablegate.app.testing.PageTestbed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The dashboard in a real browser (headless Chromium) against a whole node in this JVM: once the
 * session's password confirmation is older than the window (4 s here, 10 minutes by default), saving
 * the webhook URL answers {@code reauthentication-required}; the dashboard asks for the password in a
 * dialog (a wrong one is said so), confirms it and repeats the change, which then succeeds. Cancelling
 * the dialog leaves the change undone and says why. No page breaks its Content-Security-Policy.
 */
class DashboardReauthenticationIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "correct horse battery staple 42";
  private static final Duration WINDOW = Duration.ofSeconds(4);

  @RegisterExtension
  static final PageTestbed bed = PageTestbed.start(
      ConfigFactory.parseString("stablegate.http.session.confirmation-window = 4s"));
  private static final String base = bed.base();
  private static final Browser browser = bed.browser();

  @Test
  void aStaleSessionIsAskedForThePasswordAndTheChangeIsRepeated() throws Exception {
    String email = "reauth-" + UUID.randomUUID() + "@example.com";
    HttpResponse<String> registered = send("POST", "/api/v1/auth/register",
        "{\"email\": \"" + email + "\", \"password\": \"" + PASSWORD + "\"}", null);
    assertThat(registered.statusCode()).isEqualTo(201);
    String apiKey = JSON.readTree(registered.body()).get("apiKey").asText();

    browser.open(base + "/");
    browser.type("#email", email);
    browser.type("#password", PASSWORD);
    browser.click("button[type=submit]");
    browser.visible("a[data-nav=settings]");
    Instant loggedIn = Instant.now();
    browser.click("a[data-nav=settings]");
    browser.visible("#webhook-url");
    awaitStale(loggedIn);

    // ---- cancelling leaves the change undone and says why
    browser.type("#webhook-url", "https://shop.example.com/cancelled");
    browser.click("#webhook-title + form button[type=submit]");
    browser.visible("#reauth-dialog[open] #reauth-password");
    browser.click("#reauth-cancel");
    assertThat(browser.visible("#webhook-title + form .form-alert").getText()).contains("Confirm your password");
    assertThat(webhookUrl(apiKey)).isNull();

    // ---- a wrong password is said so; the right one confirms and the change goes through
    String url = "https://shop.example.com/stablegate";
    browser.type("#webhook-url", url);
    browser.click("#webhook-title + form button[type=submit]");
    browser.visible("#reauth-dialog[open] #reauth-password");
    browser.screenshot("reauth-dialog-desktop", Browser.DESKTOP);
    browser.screenshot("reauth-dialog-phone", Browser.PHONE);
    browser.type("#reauth-password", "not my password at all");
    browser.click("#reauth-submit");
    assertThat(browser.visible("#reauth-form .form-alert").getText()).contains("wrong");
    assertThat(browser.find("#reauth-dialog").getAttribute("open")).isNotNull();
    browser.type("#reauth-password", PASSWORD);
    browser.click("#reauth-submit");
    assertThat(browser.visible("#secret-dialog-value").getText()).startsWith("whsec_");
    assertThat(browser.find("#reauth-dialog").getAttribute("open")).isNull();
    browser.click("#secret-dialog-close");
    browser.await(ExpectedConditions.textToBePresentInElementLocated(
        By.cssSelector("#webhook-title + form [role=status]"), "saved"));
    assertThat(webhookUrl(apiKey)).isEqualTo(url);

    assertThat(browser.consoleMessages())
        .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Uncaught"));
  }

  private static void awaitStale(Instant since) {
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> Instant.now().isAfter(since.plus(WINDOW).plusMillis(500)));
  }

  private static String webhookUrl(String apiKey) throws Exception {
    JsonNode me = JSON.readTree(send("GET", "/api/v1/me", null, apiKey).body());
    return me.get("webhookUrl").isNull() ? null : me.get("webhookUrl").asText();
  }

  private static HttpResponse<String> send(String method, String path, String json, String apiKey) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
