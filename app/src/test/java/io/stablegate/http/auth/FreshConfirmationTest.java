package io.stablegate.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.persistence.testing.Invoices;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Changing a wallet, the webhook or the API key with a session needs a login or a password
 * confirmation within the confirmation window (10 minutes by default; 8 s here); a stale session gets
 * 403 {@code reauthentication-required} and changes nothing, until it confirms the password.
 */
class FreshConfirmationTest {
  private static final Duration WINDOW = Duration.ofSeconds(8);
  private static final String TRON_WALLET = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
  private static ApiTestServer server;

  @BeforeAll
  static void start() {
    server = new ApiTestServer(ConfigFactory.parseString("stablegate.http.session.confirmation-window = 8s"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private record Change(String method, String path, Object body) {}

  private static List<Change> changes() {
    return List.of(
        new Change("PUT", "/api/v1/wallets/ETHEREUM", Map.of("address", Invoices.randomEvmWallet())),
        new Change("DELETE", "/api/v1/wallets/TRON", null),
        new Change("PUT", "/api/v1/webhook", Map.of("url", "https://shop.example.com/changed")),
        new Change("POST", "/api/v1/webhook/rotate-secret", null),
        new Change("POST", "/api/v1/api-keys/rotate", null));
  }

  @Test
  void aStaleSessionMustConfirmThePasswordBeforeChangingWalletsWebhooksOrKeys() {
    ApiClient merchant = server.client().signUp();
    Instant loggedIn = Instant.now();
    // Within the window of the login: allowed.
    assertThat(merchant.withSession("PUT", "/api/v1/wallets/TRON", Map.of("address", TRON_WALLET)).status())
        .isEqualTo(200);
    assertThat(merchant.withSession("PUT", "/api/v1/webhook", Map.of("url", "https://shop.example.com/hook"))
        .status()).isEqualTo(200);
    String before = merchant.withKey("GET", "/api/v1/me", null).body();

    awaitStale(loggedIn);
    for (Change change : changes()) {
      Answer refused = merchant.withSession(change.method(), change.path(), change.body());
      assertThat(refused.status()).as(change + " " + refused).isEqualTo(403);
      assertThat(refused.header("content-type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
      assertThat(refused.json().get("type").asText()).endsWith("reauthentication-required");
    }
    assertThat(merchant.withKey("GET", "/api/v1/me", null).body()).as("nothing changed").isEqualTo(before);
    assertThat(merchant.withKey("GET", "/api/v1/me", null).status()).as("API-key calls are unaffected").isEqualTo(200);
    assertThat(merchant.withSession("GET", "/api/v1/me", null).status()).as("reading needs no confirmation")
        .isEqualTo(200);

    Answer wrong = merchant.withSession("POST", "/api/v1/auth/confirm-password", Map.of("password", "wrong password!"));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.json().get("type").asText()).doesNotEndWith("reauthentication-required");
    assertThat(merchant.withSession("PUT", "/api/v1/webhook", Map.of("url", "https://shop.example.com/changed"))
        .status()).as("a wrong password confirms nothing").isEqualTo(403);

    assertThat(merchant.withSession("POST", "/api/v1/auth/confirm-password", Map.of("password", merchant.password()))
        .status()).isEqualTo(204);
    Instant confirmed = Instant.now();
    for (Change change : changes()) {
      Answer allowed = merchant.withSession(change.method(), change.path(), change.body());
      assertThat(allowed.status()).as(change + " " + allowed).isIn(200, 204);
      if (change.path().equals("/api/v1/api-keys/rotate")) {
        merchant.apiKey(allowed.json().get("apiKey").asText());
      }
    }

    awaitStale(confirmed);
    assertThat(merchant.withSession("DELETE", "/api/v1/wallets/ETHEREUM", null).status())
        .as("a confirmation counts for the window only").isEqualTo(403);
  }

  @Test
  void confirmingNeedsASession() {
    ApiClient merchant = server.client().signUp();
    assertThat(merchant.withKey("POST", "/api/v1/auth/confirm-password", Map.of("password", merchant.password()))
        .status()).isEqualTo(401);
    assertThat(merchant.send("POST", "/api/v1/auth/confirm-password", Map.of("password", merchant.password()),
        Map.of()).status()).as("the CSRF header is required").isEqualTo(403);
  }

  private static void awaitStale(Instant since) {
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> Instant.now().isAfter(since.plus(WINDOW).plusMillis(300)));
  }
}
