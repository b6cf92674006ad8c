package io.stablegate.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Register, login, logout, me, API-key rotation, sessions and CSRF, through real HTTP. */
class AccountApiTest {
  private static ApiTestServer server;

  @BeforeAll
  static void start() {
    server = new ApiTestServer(ConfigFactory.parseString("""
        stablegate.http.login-throttle.base-delay = 2s
        stablegate.http.login-throttle.pair-free-failures = 2
        # a tiny password pool: anything that hashes without need shows up as 503
        stablegate.http.password-hashing.threads = 1
        stablegate.http.password-hashing.queue = 2
        """));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aDuplicateRegistrationCostsNoPasswordHash() throws Exception {
    ApiClient first = server.client().signUp();
    int attempts = 30;
    ExecutorService threads = Executors.newFixedThreadPool(attempts);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < attempts; i++) {
        answers.add(threads.submit(() -> {
          go.await();
          return server.client().send("POST", "/api/v1/auth/register",
              Map.of("email", first.email().toUpperCase(Locale.ROOT), "password", "another fine passphrase"),
              Map.of());
        }));
      }
      go.countDown();
      for (Future<Answer> answer : answers) {
        assertThat(answer.get().status()).as(answer.get().toString()).isEqualTo(409);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void registerShowsTheKeyOnceAndLoginSetsHardenedCookies() {
    ApiClient client = server.client();
    String email = "Shop-" + UUID.randomUUID() + "@Example.com";
    Answer registered = client.send("POST", "/api/v1/auth/register",
        Map.of("email", email, "password", "a sturdy passphrase 42"), Map.of());
    assertThat(registered.status()).isEqualTo(201);
    assertThat(registered.json().get("apiKey").asText()).matches("[0-9a-f]{64}");
    assertThat(registered.json().get("email").asText()).isEqualTo(email);

    Answer again = client.send("POST", "/api/v1/auth/register",
        Map.of("email", email.toLowerCase(), "password", "another sturdy passphrase"), Map.of());
    assertThat(again.status()).isEqualTo(409);

    Answer login = client.send("POST", "/api/v1/auth/login",
        Map.of("email", email.toUpperCase(), "password", "a sturdy passphrase 42"), Map.of());
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.json().get("merchantId").asText()).isEqualTo(registered.json().get("merchantId").asText());
    String jwtCookie = login.headers("set-cookie").stream().filter(c -> c.startsWith("jwt=")).findFirst().orElseThrow();
    assertThat(jwtCookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
    String csrfCookie = login.headers("set-cookie").stream().filter(c -> c.startsWith("csrf=")).findFirst().orElseThrow();
    assertThat(csrfCookie).doesNotContain("HttpOnly").contains("SameSite=Strict");

    Answer me = client.withSession("GET", "/api/v1/me", null);
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("email").asText()).isEqualTo(email);
    assertThat(me.json().get("wallets").isArray()).isTrue();
    assertThat(me.json().has("webhookUrl")).isTrue();
    assertThat(me.json().has("createdAt")).isTrue();

    client.apiKey(registered.json().get("apiKey").asText());
    assertThat(client.send("GET", "/api/v1/me", null, Map.of("X-API-Key", client.apiKey())).status()).isEqualTo(200);
  }

  @Test
  void rotationRevokesTheOldKeyAtOnce() {
    ApiClient client = server.client().signUp();
    String oldKey = client.apiKey();
    assertThat(client.withKey("GET", "/api/v1/me", null).status()).isEqualTo(200);

    assertThat(client.withKey("POST", "/api/v1/api-keys/rotate", null).status())
        .as("rotation needs a session").isEqualTo(401);
    Answer rotated = client.withSession("POST", "/api/v1/api-keys/rotate", null);
    assertThat(rotated.status()).isEqualTo(200);
    String newKey = rotated.json().get("apiKey").asText();
    assertThat(newKey).matches("[0-9a-f]{64}").isNotEqualTo(oldKey);

    assertThat(client.withKey("GET", "/api/v1/me", null).status()).isEqualTo(401);
    client.apiKey(newKey);
    assertThat(client.withKey("GET", "/api/v1/me", null).status()).isEqualTo(200);
  }

  @Test
  void stateChangingCookieCallsNeedTheCsrfHeader() {
    ApiClient client = server.client().signUp();
    Answer without = client.send("POST", "/api/v1/api-keys/rotate", null, Map.of());
    assertThat(without.status()).isEqualTo(403);
    Answer wrong = client.send("POST", "/api/v1/api-keys/rotate", null, Map.of("X-CSRF-Token", "forged"));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(client.send("GET", "/api/v1/me", null, Map.of()).status()).as("reads need none").isEqualTo(200);
  }

  @Test
  void logoutClearsTheCookies() {
    ApiClient client = server.client().signUp();
    Answer out = client.withSession("POST", "/api/v1/auth/logout", null);
    assertThat(out.status()).isEqualTo(204);
    assertThat(out.headers("set-cookie")).anyMatch(c -> c.startsWith("jwt=;") || c.startsWith("jwt=\"\""));
    assertThat(client.cookies()).doesNotContainKey("jwt");
    assertThat(client.send("GET", "/api/v1/me", null, Map.of()).status()).isEqualTo(401);
  }

  @Test
  void weakAndCommonPasswordsAreRefused() {
    ApiClient client = server.client();
    for (String password : new String[] {"short", "qwerty123456", "1q2w3e4r5t6y", "x".repeat(129)}) {
      Answer answer = client.send("POST", "/api/v1/auth/register",
          Map.of("email", "p-" + UUID.randomUUID() + "@example.com", "password", password), Map.of());
      assertThat(answer.status()).as(password).isEqualTo(400);
      assertThat(answer.errorFields()).containsExactly("password");
    }
  }

  @Test
  void repeatedLoginFailuresAreThrottledWithRetryAfter() {
    ApiClient client = server.client().signUp();
    Map<String, String> wrong = Map.of("email", client.email(), "password", "not the password at all");
    assertThat(client.send("POST", "/api/v1/auth/login", wrong, Map.of()).status()).isEqualTo(401);
    assertThat(client.send("POST", "/api/v1/auth/login", wrong, Map.of()).status()).isEqualTo(401);
    assertThat(client.send("POST", "/api/v1/auth/login", wrong, Map.of()).status()).isEqualTo(401);
    Answer throttled = client.send("POST", "/api/v1/auth/login", wrong, Map.of());
    assertThat(throttled.status()).isEqualTo(429);
    assertThat(throttled.header("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 2));
    assertThat(throttled.header("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void everyAnswerCarriesTheSecurityHeaders() {
    Answer answer = server.client().send("GET", "/api/v1/no-such-thing", null, Map.of());
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.header("Content-Type")).hasValue("application/problem+json");
    assertThat(answer.header("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(answer.header("Referrer-Policy")).hasValue("no-referrer");
    assertThat(answer.header("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v)
        .contains("default-src 'self'").contains("frame-ancestors 'none'"));
  }
}
