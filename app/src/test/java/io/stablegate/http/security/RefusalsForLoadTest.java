package io.stablegate.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request refused for load (an address over the per-address rate, a full password pool) is answered
 * problem+json with Retry-After, and only after the refusal delay: a flood's connections each get one
 * refusal per delay, not thousands a second. The answers that are not refusals come at once.
 */
class RefusalsForLoadTest {
  private static final Duration DELAY = Duration.ofSeconds(3);
  private static ApiTestServer server;

  @BeforeAll
  static void start() {
    server = new ApiTestServer(ConfigFactory.parseString("""
        stablegate.http.trusted-proxies = "127.0.0.1"
        stablegate.http.rate-limit.per-address-per-second = 1
        stablegate.http.rate-limit.per-address-burst = 3
        stablegate.http.rate-limit.refusal-delay = 3s
        stablegate.http.password-hashing.threads = 1
        stablegate.http.password-hashing.queue = 1
        stablegate.http.bcrypt-cost = 10
        """));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void anAddressOverItsRateIsRefusedAfterTheDelayWithRetryAfter() {
    Map<String, String> from = Map.of("X-Forwarded-For", "198.51.100.7");
    for (int i = 0; i < 3; i++) {
      Timed within = timed(() -> server.client().send("GET", "/api/v1/invoices/not-an-id", null, from));
      assertThat(within.answer().status()).as("not a refusal for load (no such endpoint)").isEqualTo(404);
      assertThat(within.took()).as("an answer that is not a refusal goes out at once").isLessThan(DELAY);
    }
    Timed refused = timed(() -> server.client().send("GET", "/api/v1/invoices/not-an-id", null, from));
    assertThat(refused.answer().status()).isEqualTo(429);
    assertThat(refused.answer().header("Retry-After")).isPresent();
    assertThat(refused.answer().header("Content-Type")).hasValue("application/problem+json");
    assertThat(refused.took()).as("answered after the refusal delay").isGreaterThanOrEqualTo(DELAY);
  }

  @Test
  void registrationsBeyondTheFullPasswordPoolAreRefusedAfterTheDelay() throws Exception {
    // one hashing, one waiting: of twelve registrations at once from twelve addresses, some find the pool full
    ExecutorService clients = Executors.newFixedThreadPool(12);
    try {
      List<CompletableFuture<Timed>> answers = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        int n = i;
        answers.add(CompletableFuture.supplyAsync(() -> timed(() -> server.client().send("POST",
            "/api/v1/auth/register",
            Map.of("email", "pool-" + n + "@example.com", "password", "a long enough passphrase " + n),
            Map.of("X-Forwarded-For", "203.0.113." + (n + 1)))), clients));
      }
      List<Timed> busy = answers.stream().map(CompletableFuture::join).filter(t -> t.answer().status() == 503).toList();
      assertThat(busy).as("the pool was full for some").isNotEmpty();
      assertThat(busy).allSatisfy(t -> {
        assertThat(t.answer().header("Retry-After")).isPresent();
        assertThat(t.took()).isGreaterThanOrEqualTo(DELAY);
      });
    } finally {
      clients.shutdownNow();
    }
  }

  private record Timed(Answer answer, Duration took) {}

  private static Timed timed(Supplier<Answer> call) {
    long sent = System.nanoTime();
    Answer answer = call.get();
    return new Timed(answer, Duration.ofNanos(System.nanoTime() - sent));
  }
}
