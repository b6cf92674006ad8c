package io.stablegate.http.invoices;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.persistence.testing.Invoices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** 200 parallel creations with one Idempotency-Key make one invoice, and all get its response. */
class IdempotencyConcurrencyTest {
  private static ApiTestServer server;

  @BeforeAll
  static void start() {
    server = new ApiTestServer();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void twoHundredParallelRequestsWithOneKeyMakeOneInvoice() throws Exception {
    ApiClient merchant = server.client().signUp();
    merchant.withSession("PUT", "/api/v1/wallets/ETHEREUM", Map.of("address", Invoices.randomEvmWallet()));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/invoices"))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + merchant.apiKey())
        .header("Idempotency-Key", "checkout-4711")
        .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": \"12.34\", \"chain\": \"ETHEREUM\", \"orderId\": \"4711\"}"))
        .build();

    List<CompletableFuture<HttpResponse<String>>> inFlight = IntStream.range(0, 200)
        .mapToObj(i -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
        .toList();
    List<HttpResponse<String>> answers = inFlight.stream().map(CompletableFuture::join).toList();

    assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).as(a.body()).isEqualTo(201));
    Set<String> ids = answers.stream()
        .map(a -> a.body().replaceAll(".*\"id\":\"([0-9a-f-]{36})\".*", "$1"))
        .collect(Collectors.toSet());
    assertThat(ids).hasSize(1);
    try (Connection c = server.dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(DISTINCT persistence_id) FROM event_journal WHERE persistence_id LIKE 'Invoice|%'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("invoices in the journal").isEqualTo(1);
    }
    // One payAmount slot was taken, not more: the next invoice of that amount gets the next step.
    assertThat(merchant.withKey("POST", "/api/v1/invoices", Map.of("amount", "12.34", "chain", "ETHEREUM"))
        .json().get("payAmount").asText()).isEqualTo("12.3401");
  }
}
