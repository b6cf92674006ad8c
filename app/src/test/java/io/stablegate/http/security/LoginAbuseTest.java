package io.stablegate.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.persistence.merchant.MerchantRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What an attacker at one address gets from the account endpoints, with the default throttles and
 * {@code STABLEGATE_TRUST_PROXY=true} (which only says that TLS ends at a proxy): concurrent wrong
 * guesses are counted one after another, a rotating X-Forwarded-For from an untrusted peer does not
 * make new addresses, and registrations are throttled per address. The tests run in order: the
 * second leaves the address throttled for logins.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoginAbuseTest {
  private static final String PASSWORD = "correct horse battery staple";

  private static ApiTestServer server;
  private static MerchantRepository merchants;
  private static Passwords passwords;

  @BeforeAll
  static void start() {
    server = new ApiTestServer(ConfigFactory.parseString("""
        stablegate.http.trust-proxy = true
        stablegate.http.registration.per-address-per-minute = 10
        # long enough that a throttled key is still throttled when the test looks, however slow the machine
        stablegate.http.login-throttle.base-delay = 30s
        """));
    merchants = new MerchantRepository(server.dataSource());
    passwords = new Passwords(10);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** An account made in the database, so that no registration is spent on it. */
  private static String account() throws Exception {
    String email = "m-" + UUID.randomUUID() + "@example.com";
    merchants.create(UUID.randomUUID(), email, passwords.hash(PASSWORD), "h-" + UUID.randomUUID(), Instant.now());
    return email;
  }

  private static Answer login(String email, String password, Map<String, String> headers) {
    return server.client().send("POST", "/api/v1/auth/login", Map.of("email", email, "password", password), headers);
  }

  @Test
  @Order(1)
  void concurrentWrongGuessesCountAsIfMadeOneAfterAnother() throws Exception {
    String email = account();
    int attempts = 12;
    ExecutorService threads = Executors.newFixedThreadPool(attempts);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < attempts; i++) {
        answers.add(threads.submit(() -> {
          go.await();
          return login(email, "wrong guess " + UUID.randomUUID(), Map.of());
        }));
      }
      go.countDown();
      int unauthorized = 0;
      int throttled = 0;
      for (Future<Answer> answer : answers) {
        Answer a = answer.get();
        if (a.status() == 401) {
          unauthorized++;
        } else {
          assertThat(a.status()).as(a.toString()).isEqualTo(429);
          assertThat(a.header("Retry-After")).isPresent();
          throttled++;
        }
      }
      assertThat(unauthorized).as("wrong passwords checked").isLessThanOrEqualTo(6);
      assertThat(throttled).isGreaterThanOrEqualTo(attempts - 6);
    } finally {
      threads.shutdownNow();
    }
    Answer right = login(email, PASSWORD, Map.of());
    assertThat(right.status()).as("throttled: refused before the password is checked").isEqualTo(429);
    assertThat(right.header("Retry-After")).isPresent();
  }

  @Test
  @Order(2)
  void aRotatingForwardedForFromAnUntrustedPeerIsTheSameAddress() throws Exception {
    int unauthorized = 0;
    int throttled = 0;
    for (int i = 0; i < 14; i++) {
      // each guess at another account, so that only the per-address throttle can answer 429
      Answer a = login(account(), "wrong guess", Map.of("X-Forwarded-For", "198.51.100." + (i + 1)));
      if (a.status() == 429) {
        throttled++;
      } else {
        assertThat(a.status()).as(a.toString()).isEqualTo(401);
        unauthorized++;
      }
    }
    assertThat(throttled).as("the address is throttled whatever the header says").isPositive();
    assertThat(unauthorized).isLessThanOrEqualTo(11);
  }

  @Test
  @Order(3)
  void registrationsAreThrottledPerAddress() {
    List<Integer> statuses = new ArrayList<>();
    Answer last = null;
    for (int i = 0; i < 12; i++) {
      last = server.client().send("POST", "/api/v1/auth/register",
          Map.of("email", "r-" + UUID.randomUUID() + "@example.com", "password", PASSWORD + " " + i),
          Map.of("X-Forwarded-For", "192.0.2." + (i + 1)));
      statuses.add(last.status());
    }
    assertThat(statuses.subList(0, 10)).as("at least 10 a minute").containsOnly(201);
    assertThat(statuses.subList(10, 12)).containsOnly(429);
    assertThat(last.header("Retry-After")).isPresent();
    long sent = System.nanoTime();
    Answer duplicate = server.client().send("POST", "/api/v1/auth/register",
        Map.of("email", "r-dup@example.com", "password", PASSWORD), Map.of());
    assertThat(duplicate.status()).as("still throttled").isEqualTo(429);
    assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("a refusal is answered after the refusal delay")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }
}
