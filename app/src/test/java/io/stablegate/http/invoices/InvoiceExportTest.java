package io.stablegate.http.invoices;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.PaymentMatcher;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.persistence.testing.Invoices;
import java.io.StringReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The export of 1,000 invoices through the public API, read back by a CSV reader (and as JSON
 * Lines) and compared field by field with what the API answers for the same invoices. Order ids
 * and descriptions carry commas, quotes, line breaks and non-ASCII text; a few invoices are paid.
 */
class InvoiceExportTest {
  private static final int INVOICES = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ApiTestServer server;
  private static ApiClient merchant;
  private static ApiClient other;
  private static Instant before;
  private static Instant after;
  /** The API's invoices, oldest first (as the export orders them), by listing. */
  private static List<JsonNode> apiInvoices;

  @BeforeAll
  static void start() throws Exception {
    server = new ApiTestServer();
    merchant = server.client().signUp();
    assertThat(merchant.withSession("PUT", "/api/v1/wallets/ETHEREUM",
        Map.of("address", Invoices.randomEvmWallet())).status()).isEqualTo(200);
    other = server.client().signUp();
    other.withSession("PUT", "/api/v1/wallets/ETHEREUM", Map.of("address", Invoices.randomEvmWallet()));
    assertThat(other.withKey("POST", "/api/v1/invoices", Map.of("amount", "5", "chain", "ETHEREUM")).status())
        .isEqualTo(201);
    before = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
    ExecutorService creators = Executors.newFixedThreadPool(8);
    try {
      List<Future<Answer>> created = new ArrayList<>();
      for (int i = 0; i < INVOICES; i++) {
        int n = i;
        created.add(creators.submit(() -> merchant.withKey("POST", "/api/v1/invoices", request(n))));
      }
      for (Future<Answer> answer : created) {
        assertThat(answer.get().status()).as(answer.get().body()).isEqualTo(201);
      }
    } finally {
      creators.shutdown();
    }
    PaymentMatcher matcher = new PaymentMatcher(server.node().system());
    List<JsonNode> some = merchant.withKey("GET", "/api/v1/invoices?limit=3", null).json().findValues("id");
    for (int i = 0; i < some.size(); i++) {
      Invoice invoice = server.node().invoices().get(UUID.fromString(some.get(i).asText())).toCompletableFuture().get();
      Transfer transfer = new Transfer(Chain.ETHEREUM, "0x" + String.format("%064x", i + 1), i, Invoices.randomEvmWallet(),
          invoice.address(), invoice.payAmount(), 100 + i, "0x" + "cd".repeat(32), Instant.now());
      assertThat(matcher.observeAll(List.of(transfer), t -> 1).toCompletableFuture().get()).singleElement()
        .isInstanceOf(io.stablegate.engine.payment.Observation.Recorded.class);
      if (i > 0) {
        matcher.confirm(invoice.id(), transfer.key(), invoice.requiredConfirmations()).toCompletableFuture().get();
      }
    }
    after = Instant.now().plusSeconds(1);
    apiInvoices = Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
        .until(InvoiceExportTest::listAll, all -> all.size() == INVOICES
            && all.stream().filter(i -> i.get("status").asText().equals("PAID")).count() == 2
            && all.stream().filter(i -> i.get("status").asText().equals("CONFIRMING")).count() == 1);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void csvOfAThousandInvoicesReadsBackAsTheApisInvoices() throws Exception {
    Answer export = merchant.withKey("GET", "/api/v1/invoices/export?format=csv&from=" + enc(before) + "&to=" + enc(after), null);
    assertThat(export.status()).isEqualTo(200);
    assertThat(export.header("Content-Type")).hasValue("text/csv; charset=UTF-8");
    assertThat(export.header("Content-Disposition")).hasValueSatisfying(d -> assertThat(d).startsWith("attachment;"));
    String body = export.body();
    assertThat(body).doesNotStartWith("\uFEFF").startsWith(String.join(",", InvoiceExportRoutes.COLUMNS) + "\r\n");

    List<CSVRecord> rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
        .parse(new StringReader(body)).getRecords();
    assertThat(rows).hasSize(INVOICES);
    for (int i = 0; i < INVOICES; i++) {
      CSVRecord row = rows.get(i);
      JsonNode api = apiInvoices.get(i);
      String id = api.get("id").asText();
      for (String column : List.of("id", "status", "chain", "token", "amount", "payAmount", "amountPaid", "paidLate",
          "orderId", "description", "address", "createdAt", "expiresAt", "requiredConfirmations", "checkoutUrl")) {
        String expected = api.get(column).isNull() ? "" : api.get(column).asText();
        assertThat(row.get(column)).as(id + " " + column).isEqualTo(expected);
      }
      assertThat(row.get("redirectUrl")).as(id).isEqualTo(api.get("redirectUrl").isNull() ? "" : api.get("redirectUrl").asText());
      assertThat(JSON.readTree(row.get("metadata"))).as(id).isEqualTo(api.get("metadata"));
      assertThat(JSON.readTree(row.get("payments"))).as(id).isEqualTo(api.get("payments"));
      String amountDue = api.get("status").asText().equals("PAID") ? "0" : api.get("payAmount").asText();
      assertThat(row.get("amountDue")).as(id).isEqualTo(amountDue);
    }
    assertThat(rows).extracting(r -> r.get("payments")).filteredOn(p -> !p.equals("[]")).hasSize(3);
    assertThat(rows).extracting(r -> r.get("description")).anySatisfy(d -> assertThat(d).contains("\"", ",", "\n"));
  }

  @Test
  void jsonLinesOfAThousandInvoicesAreTheApisInvoices() throws Exception {
    Answer export = merchant.withSession("GET", "/api/v1/invoices/export?format=json&from=" + enc(before) + "&to=" + enc(after), null);
    assertThat(export.status()).isEqualTo(200);
    assertThat(export.header("Content-Type")).hasValue("application/x-ndjson");
    String[] lines = export.body().split("\n", -1);
    assertThat(lines).hasSize(INVOICES + 1);
    assertThat(lines[INVOICES]).isEmpty();
    List<String> amounts = new ArrayList<>();
    for (int i = 0; i < INVOICES; i++) {
      JsonNode line = JSON.readTree(lines[i]);
      assertThat(line).isEqualTo(apiInvoices.get(i));
      AmountsAsStringsTest.walk(line, "$", amounts);
    }
  }

  @Test
  void theRangeIsCreatedAtFromInclusiveToExclusiveAndOnlyTheMerchantsOwn() {
    Instant first = Instant.parse(apiInvoices.get(0).get("createdAt").asText());
    Instant tenth = Instant.parse(apiInvoices.get(9).get("createdAt").asText());
    long expected = apiInvoices.stream().filter(i -> {
      Instant at = Instant.parse(i.get("createdAt").asText());
      return !at.isBefore(first) && at.isBefore(tenth);
    }).count();
    Answer part = merchant.withKey("GET", "/api/v1/invoices/export?format=json&from=" + enc(first) + "&to=" + enc(tenth), null);
    assertThat(part.body().lines().count()).isEqualTo(expected);

    String day = before.atZone(ZoneOffset.UTC).toLocalDate().toString();
    String nextDay = after.atZone(ZoneOffset.UTC).toLocalDate().plusDays(1).toString();
    Answer byDay = merchant.withKey("GET", "/api/v1/invoices/export?format=json&from=" + day + "&to=" + nextDay, null);
    assertThat(byDay.body().lines().count()).isEqualTo(INVOICES);

    Answer empty = merchant.withKey("GET", "/api/v1/invoices/export?from=" + day + "&to=" + day, null);
    assertThat(empty.status()).isEqualTo(200);
    assertThat(empty.body()).isEqualTo(String.join(",", InvoiceExportRoutes.COLUMNS) + "\r\n");
    Answer others = other.withKey("GET", "/api/v1/invoices/export?format=json&from=" + day + "&to=" + nextDay, null);
    assertThat(others.body().lines().count()).isEqualTo(1);
  }

  private static Map<String, Object> request(int n) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("amount", (n % 50 + 1) + "." + (n % 7) + "5");
    body.put("chain", "ETHEREUM");
    body.put("orderId", switch (n % 4) {
      case 0 -> "A-" + n;
      case 1 -> "comma, " + n;
      case 2 -> "quote \"" + n + "\"";
      default -> "=SUM(" + n + ")";
    });
    if (n % 3 == 0) {
      body.put("description", "two lines,\r\nwith \"quotes\" and ünïcødé " + n);
    }
    if (n % 5 == 0) {
      body.put("metadata", Map.of("n", n, "note", "a,b\n\"c\""));
    }
    if (n % 2 == 0) {
      body.put("redirectUrl", "https://shop.example/orders/" + n + "?a=1&b=2");
    }
    return body;
  }

  private static List<JsonNode> listAll() {
    List<JsonNode> all = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page = merchant.withKey("GET", "/api/v1/invoices?limit=100" + (cursor == null ? "" : "&cursor=" + cursor), null).json();
      page.get("items").forEach(all::add);
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
    } while (cursor != null);
    return all.reversed();
  }

  private static String enc(Instant instant) {
    return URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8);
  }
}
