package io.stablegate.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proving the password inside a session ({@code POST /api/v1/auth/confirm-password}, and the same
 * check in {@code POST /api/v1/auth/password}) runs bcrypt on the bounded password pool, not on the
 * threads of the database work: with a pool of one thread and one waiting place, a burst of
 * confirmations is answered 503 with Retry-After beyond it (on the database threads, sixteen of them,
 * every one would be checked).
 */
class PasswordConfirmationPoolTest {
  private static final int BURST = 24;
  private static ApiTestServer server;

  @BeforeAll
  static void start() {
    server = new ApiTestServer(ConfigFactory.parseString("""
        stablegate.http.password-hashing.threads = 1
        stablegate.http.password-hashing.queue = 1
        # the burst is one client's correct password: the login throttle must not answer it first
        stablegate.http.login-throttle.account-free-failures = 1000
        stablegate.http.login-throttle.address-free-failures = 1000
        stablegate.http.login-throttle.pair-free-failures = 1000
        """));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aBurstOfConfirmationsBeyondThePasswordPoolIs503WithRetryAfter() throws Exception {
    ApiClient merchant = server.client().signUp();
    ExecutorService threads = Executors.newFixedThreadPool(BURST);
    List<Answer> answers = new ArrayList<>();
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Answer>> futures = new ArrayList<>();
      for (int i = 0; i < BURST; i++) {
        ApiClient sameSession = server.client();
        sameSession.cookies().putAll(merchant.cookies());
        futures.add(threads.submit(() -> {
          go.await();
          return sameSession.withSession("POST", "/api/v1/auth/confirm-password",
              Map.of("password", merchant.password()));
        }));
      }
      go.countDown();
      for (Future<Answer> future : futures) {
        answers.add(future.get());
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(answers).extracting(Answer::status).containsOnly(204, 503).contains(204, 503);
    assertThat(answers).filteredOn(answer -> answer.status() == 503)
        .allSatisfy(answer -> assertThat(answer.headers("retry-after")).as(answer.toString()).isNotEmpty());
    // after the burst the pool checks again
    assertThat(merchant.withSession("POST", "/api/v1/auth/confirm-password", Map.of("password", "not the password at all"))
        .status()).isEqualTo(403);
    assertThat(merchant.withSession("POST", "/api/v1/auth/confirm-password", Map.of("password", merchant.password()))
        .status()).isEqualTo(204);
  }
}
