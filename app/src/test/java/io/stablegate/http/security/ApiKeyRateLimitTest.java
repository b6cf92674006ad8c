package io.stablegate.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calls made with an API key are limited per key, wherever they come from, and one merchant's key over
 * its rate does not slow another merchant down. (The per-address limit and the late answer of a refusal
 * are {@link RefusalsForLoadTest}'s.)
 */
class ApiKeyRateLimitTest {
  private static final int PER_SECOND = 1;
  private static final int BURST = 3;
  private static ApiTestServer server;

  @BeforeAll
  static void start() {
    server = new ApiTestServer(ConfigFactory.parseString("""
        stablegate.http.trusted-proxies = "127.0.0.1"
        stablegate.http.rate-limit.per-api-key-per-second = %d
        stablegate.http.rate-limit.per-api-key-burst = %d
        stablegate.http.rate-limit.refusal-delay = 0s
        """.formatted(PER_SECOND, BURST)));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aKeyOverItsRateIsRefusedFromEveryAddressAndOtherKeysAreNot() {
    ApiClient busy = server.client().signUp();
    ApiClient other = server.client().signUp();

    // the same key from two addresses in turn: one bucket for both
    long started = System.nanoTime();
    List<Answer> answers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      answers.add(listInvoices(busy.apiKey(), i % 2 == 0 ? "198.51.100.1" : "198.51.100.2"));
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    assertThat(answers.subList(0, BURST)).as("the burst").allSatisfy(a -> assertThat(a.status()).isEqualTo(200));
    long served = answers.stream().filter(a -> a.status() == 200).count();
    assertThat(served).as("at most the burst and what refilled in %.2f s, over both addresses", seconds)
        .isLessThanOrEqualTo(BURST + (long) Math.ceil(seconds * PER_SECOND));
    Answer refused = answers.stream().filter(a -> a.status() != 200).findFirst().orElseThrow();
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Content-Type")).hasValue("application/problem+json");
    assertThat(refused.header("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());

    // another merchant's key, from one of the same addresses, is served at once
    assertThat(listInvoices(other.apiKey(), "198.51.100.1").status()).isEqualTo(200);
  }

  private static Answer listInvoices(String apiKey, String address) {
    return server.client().send("GET", "/api/v1/invoices", null,
        Map.of("Authorization", "Bearer " + apiKey, "X-Forwarded-For", address, "Cookie", ""));
  }
}
