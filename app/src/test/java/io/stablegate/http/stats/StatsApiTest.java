package io.stablegate.http.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.Observation;
import io.stablegate.engine.payment.PaymentMatcher;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.persistence.testing.Invoices;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /api/v1/stats over invoices created, paid, cancelled and left open
 * through the API and the payment matcher (and a test invoice paid by simulation, which never counts), an unmatched transfer and a webhook delivery that gives up
 * (the merchant's webhook refuses connections, the retry schedule is one short delay): counts and
 * amounts are exact, another merchant's invoices never count, and the series adds up to the totals.
 */
class StatsApiTest {
  private static ApiTestServer server;
  private static ApiClient merchant;
  private static ApiClient other;
  private static String wallet;
  private static BigDecimal paidSum = BigDecimal.ZERO;
  private static Instant before;
  private static Instant after;

  @BeforeAll
  static void start() throws Exception {
    server = new ApiTestServer(ConfigFactory.parseString("stablegate.webhook.retry-schedule = \"200ms\""));
    merchant = server.client().signUp();
    wallet = Invoices.randomEvmWallet();
    assertThat(merchant.withSession("PUT", "/api/v1/wallets/ETHEREUM", Map.of("address", wallet)).status())
        .isEqualTo(200);
    other = server.client().signUp();
    other.withSession("PUT", "/api/v1/wallets/ETHEREUM", Map.of("address", Invoices.randomEvmWallet()));
    before = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
    List<Invoice> created = new ArrayList<>();
    for (String amount : List.of("10.5", "20", "3.123456", "7", "1")) {
      Answer answer = merchant.withKey("POST", "/api/v1/invoices", Map.of("amount", amount, "chain", "ETHEREUM"));
      assertThat(answer.status()).as(answer.body()).isEqualTo(201);
      created.add(server.node().invoices().get(UUID.fromString(answer.json().get("id").asText()))
          .toCompletableFuture().get());
    }
    Answer others = other.withKey("POST", "/api/v1/invoices", Map.of("amount", "99", "chain", "ETHEREUM"));
    Invoice foreign = server.node().invoices().get(UUID.fromString(others.json().get("id").asText()))
        .toCompletableFuture().get();
    PaymentMatcher matcher = new PaymentMatcher(server.node().system());
    pay(matcher, created.get(0), created.get(0).payAmount(), 1);
    pay(matcher, created.get(1), created.get(1).payAmount(), 2);
    pay(matcher, foreign, foreign.payAmount(), 3);
    paidSum = created.get(0).payAmount().add(created.get(1).payAmount());
    assertThat(merchant.withKey("POST", "/api/v1/invoices/" + created.get(2).id() + "/cancel", null).status())
        .isEqualTo(200);
    // a final transfer to the wallet that pays no invoice: routed, then recorded as unmatched
    Transfer stray = new Transfer(Chain.ETHEREUM, "0x" + "ab".repeat(32), 0, Invoices.randomEvmWallet(), wallet,
        new BigDecimal("42"), 200, "0x" + "ef".repeat(32), Instant.now());
    matcher.routeAll(List.of(stray)).toCompletableFuture().get();
    matcher.recordUnmatched(stray).toCompletableFuture().get();
    // the webhook of the invoices' events refuses connections: their deliveries give up
    assertThat(merchant.withSession("PUT", "/api/v1/webhook", Map.of("url", "http://127.0.0.1:9/hook")).status())
        .isEqualTo(200);
    Answer late = merchant.withKey("POST", "/api/v1/invoices", Map.of("amount", "2", "chain", "ETHEREUM"));
    Invoice hooked = server.node().invoices().get(UUID.fromString(late.json().get("id").asText()))
        .toCompletableFuture().get();
    pay(matcher, hooked, hooked.payAmount(), 4);
    paidSum = paidSum.add(hooked.payAmount());
    // test invoices, even paid, never count
    Answer testKey = merchant.withSession("POST", "/api/v1/api-keys/test", null);
    assertThat(testKey.status()).as(testKey.body()).isEqualTo(200);
    ApiClient tester = ApiClient.forBaseUrl(server.baseUrl());
    tester.apiKey(testKey.json().get("apiKey").asText());
    Answer test = tester.withKey("POST", "/api/v1/invoices", Map.of("amount", "500", "chain", "ETHEREUM"));
    assertThat(test.status()).as(test.body()).isEqualTo(201);
    assertThat(test.json().get("livemode").asBoolean()).isFalse();
    Answer simulated = tester.withKey("POST", "/api/v1/test/invoices/" + test.json().get("id").asText()
        + "/payments", Map.of());
    assertThat(simulated.status()).as(simulated.body()).isEqualTo(200);
    assertThat(simulated.json().get("status").asText()).isEqualTo("PAID");
    after = Instant.now().plusSeconds(1);
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      JsonNode totals = stats(from(before), from(after), "hour").json().get("totals");
      assertThat(List.of(totals.get("paid").asLong(), totals.get("cancelled").asLong(),
          totals.get("unmatchedOpen").asLong(), totals.get("webhookFailures").asLong() >= 1 ? 1L : 0L))
          .as(totals.toString()).containsExactly(3L, 1L, 1L, 1L);
    });
  }

  private static void pay(PaymentMatcher matcher, Invoice invoice, BigDecimal amount, int n) throws Exception {
    Transfer transfer = new Transfer(Chain.ETHEREUM, "0x" + String.format("%064x", n), 0, Invoices.randomEvmWallet(),
        invoice.address(), amount, 100 + n, "0x" + "cd".repeat(32), Instant.now());
    assertThat(matcher.observeAll(List.of(transfer), t -> 1).toCompletableFuture().get()).singleElement()
        .isInstanceOf(Observation.Recorded.class);
    matcher.confirm(invoice.id(), transfer.key(), invoice.requiredConfirmations()).toCompletableFuture().get();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String from(Instant instant) {
    return URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8);
  }

  private static Answer stats(String from, String to, String granularity) {
    return merchant.withKey("GET", "/api/v1/stats?from=" + from + "&to=" + to + "&granularity=" + granularity, null);
  }

  @Test
  void totalsCountAndSumExactly() {
    Answer answer = stats(from(before), from(after), "hour");
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    JsonNode totals = answer.json().get("totals");
    assertThat(totals.get("created").asLong()).isEqualTo(6);
    assertThat(totals.get("paid").asLong()).isEqualTo(3);
    assertThat(totals.get("expired").asLong()).isZero();
    assertThat(totals.get("cancelled").asLong()).isEqualTo(1);
    assertThat(totals.get("unmatchedOpen").asLong()).isEqualTo(1);
    assertThat(totals.get("webhookFailures").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(totals.get("paidAmount")).hasSize(1);
    JsonNode amount = totals.get("paidAmount").get(0);
    assertThat(amount.get("chain").asText()).isEqualTo("ETHEREUM");
    assertThat(amount.get("token").asText()).isEqualTo("USDT");
    assertThat(amount.get("amount").isTextual()).isTrue();
    assertThat(new BigDecimal(amount.get("amount").asText())).isEqualByComparingTo(paidSum);
    assertThat(amount.get("amount").asText()).isEqualTo(paidSum.stripTrailingZeros().toPlainString());
  }

  @Test
  void theSeriesHasEveryBucketAndAddsUpToTheTotals() {
    Instant start = before.truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS);
    Instant end = after.truncatedTo(ChronoUnit.HOURS).plus(3, ChronoUnit.HOURS);
    JsonNode body = stats(from(start), from(end), "hour").json();
    JsonNode series = body.get("series");
    assertThat(series).hasSize((int) Duration.between(start, end).toHours());
    assertThat(series.get(0).get("at").asText()).isEqualTo(start.toString());
    long created = 0;
    long paid = 0;
    BigDecimal amount = BigDecimal.ZERO;
    for (JsonNode point : series) {
      created += point.get("created").asLong();
      paid += point.get("paid").asLong();
      for (JsonNode a : point.get("paidAmount")) {
        amount = amount.add(new BigDecimal(a.get("amount").asText()));
      }
    }
    assertThat(created).isEqualTo(6);
    assertThat(paid).isEqualTo(3);
    assertThat(amount).isEqualByComparingTo(paidSum);

    LocalDate today = LocalDate.ofInstant(before, ZoneOffset.UTC);
    JsonNode days = merchant.withSession("GET", "/api/v1/stats?from=" + today.minusDays(6) + "&to="
        + today.plusDays(1) + "&granularity=day", null).json();
    assertThat(days.get("series")).hasSize(7);
    assertThat(days.get("series").get(6).get("at").asText()).isEqualTo(today + "T00:00:00Z");
    assertThat(days.get("series").get(0).get("created").asLong()).isZero();
    assertThat(days.get("totals").get("created").asLong()).isGreaterThanOrEqualTo(6);
  }

  @Test
  void invoicesOutsideTheRangeAndOtherMerchantsDoNotCount() {
    JsonNode totals = stats(from(after.plus(1, ChronoUnit.DAYS)), from(after.plus(2, ChronoUnit.DAYS)), "day")
        .json().get("totals");
    assertThat(totals.get("created").asLong()).isZero();
    assertThat(totals.get("paidAmount")).isEmpty();
    JsonNode theirs = other.withKey("GET", "/api/v1/stats?from=" + from(before) + "&to=" + from(after), null)
        .json().get("totals");
    assertThat(theirs.get("created").asLong()).isEqualTo(1);
    assertThat(theirs.get("paid").asLong()).isEqualTo(1);
    assertThat(theirs.get("unmatchedOpen").asLong()).isZero();
    ApiClient newcomer = server.client().signUp();
    JsonNode none = newcomer.withKey("GET", "/api/v1/stats?from=" + from(before) + "&to=" + from(after), null)
        .json().get("totals");
    assertThat(none.get("created").asLong()).isZero();
    assertThat(none.get("unmatchedOpen").asLong()).isZero();
    assertThat(none.get("webhookFailures").asLong()).isZero();
    assertThat(none.get("paidAmount")).isEmpty();
  }

  @Test
  void theTestKeyIsRefused() {
    ApiClient tester = ApiClient.forBaseUrl(server.baseUrl());
    tester.apiKey(merchant.withSession("POST", "/api/v1/api-keys/test", null).json().get("apiKey").asText());
    assertThat(tester.withKey("GET", "/api/v1/stats?from=" + from(before) + "&to=" + from(after), null).status())
        .isEqualTo(403);
  }

  @Test
  void badRangesAreRefusedNamingTheParameter() {
    assertThat(stats("2026-12-02", "2026-12-01", "day").errorFields()).containsExactly("from");
    assertThat(stats("2025-01-01", "2026-12-01", "hour").errorFields()).containsExactly("granularity");
    assertThat(stats("2025-01-01", "2026-12-01", "week").errorFields()).containsExactly("granularity");
    assertThat(stats("yesterday", "2026-12-01", "day").errorFields()).containsExactly("from");
    assertThat(merchant.withKey("GET", "/api/v1/stats?from=2026-12-01", null).errorFields()).containsExactly("to");
    assertThat(server.client().send("GET", "/api/v1/stats?from=2026-12-01&to=2026-12-02", null, Map.of()).status())
        .isEqualTo(401);
  }
}
