package io.stablegate.http.invoices;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.WebhookDelivery;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.PaymentMatcher;
import io.stablegate.engine.payment.WebhookDeliveryActor;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.persistence.testing.Invoices;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every amount in every answer is a plain decimal string: a realistic flow (an invoice of "10" paid,
 * one cancelled, an unmatched transfer), then every answer it gives walked field by field: creation,
 * get, events, listing, public view, unmatched transfers and the webhook bodies of the paid invoice.
 * No JSON number may be fractional, and every field named like an amount must be a string of plain
 * digits without exponent or trailing zeros. Also: the public view's new fields, the redirect URL.
 */
class AmountsAsStringsTest {
  private static final Pattern PLAIN = Pattern.compile("0|[1-9][0-9]*(\\.[0-9]*[1-9])?|0\\.[0-9]*[1-9]");
  private static final String REDIRECT = "https://shop.example/orders/A-10?back=1";
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
  void everyAnswerOfARealisticFlowShowsAmountsAsPlainStrings() throws Exception {
    String wallet = Invoices.randomEvmWallet();
    ApiClient merchant = server.client().signUp();
    assertThat(merchant.withSession("PUT", "/api/v1/wallets/ETHEREUM", Map.of("address", wallet)).status()).isEqualTo(200);
    List<JsonNode> answers = new ArrayList<>();

    Answer created = merchant.withKey("POST", "/api/v1/invoices",
        Map.of("amount", "10", "chain", "ETHEREUM", "orderId", "A-10", "redirectUrl", REDIRECT));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    answers.add(created.json());
    UUID paidId = UUID.fromString(created.json().get("id").asText());
    assertThat(created.json().get("redirectUrl").asText()).isEqualTo(REDIRECT);
    JsonNode open = server.client().send("GET", "/api/v1/public/invoices/" + paidId, null, Map.of()).json();
    assertThat(open.get("amountPaid").asText()).isEqualTo("0");
    assertThat(open.get("amountDue").asText()).isEqualTo("10");
    answers.add(open);

    Invoice invoice = server.node().invoices().get(paidId).toCompletableFuture().get();
    PaymentMatcher matcher = new PaymentMatcher(server.node().system());
    Transfer transfer = new Transfer(Chain.ETHEREUM, "0x" + "ab".repeat(32), 3, Invoices.randomEvmWallet(),
        invoice.address(), invoice.payAmount(), 100, "0x" + "cd".repeat(32), Instant.now());
    assertThat(matcher.observeAll(List.of(transfer), t -> 1).toCompletableFuture().get()).singleElement()
        .isInstanceOf(io.stablegate.engine.payment.Observation.Recorded.class);
    Invoice paid = matcher.confirm(paidId, transfer.key(), invoice.requiredConfirmations()).toCompletableFuture().get();
    assertThat(paid.status().name()).isEqualTo("PAID");

    String cancelledId = merchant.withKey("POST", "/api/v1/invoices", Map.of("amount", "20.50", "chain", "ETHEREUM"))
        .json().get("id").asText();
    answers.add(merchant.withKey("POST", "/api/v1/invoices/" + cancelledId + "/cancel", null).json());
    insertUnmatched(wallet, new BigDecimal("100.000000000000000000"));

    for (String id : List.of(paidId.toString(), cancelledId)) {
      answers.add(merchant.withKey("GET", "/api/v1/invoices/" + id, null).json());
      Answer events = merchant.withKey("GET", "/api/v1/invoices/" + id + "/events", null);
      assertThat(events.status()).isEqualTo(200);
      answers.add(events.json());
      answers.add(server.client().send("GET", "/api/v1/public/invoices/" + id, null, Map.of()).json());
    }
    JsonNode listing = Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> merchant.withKey("GET", "/api/v1/invoices", null).json(),
            l -> l.get("items").size() == 2 && "PAID".equals(l.get("items").get(1).get("status").asText()));
    answers.add(listing);
    answers.add(merchant.withKey("GET", "/api/v1/unmatched-transfers", null).json());
    ObjectMapper plain = new ObjectMapper();
    for (WebhookDelivery delivery : paid.webhooks()) {
      answers.add(plain.readTree(WebhookDeliveryActor.payload(paid, delivery, "https://pay.example.test").toBytes()));
    }

    List<String> amounts = new ArrayList<>();
    for (JsonNode answer : answers) {
      walk(answer, "$", amounts);
    }
    // the journal of the paid invoice has amount "10" (once 1E+1), the unmatched transfer "100"
    assertThat(amounts).contains("$.amount=10", "$.data.amount=10", "$.data.transfer.amount=10",
        "$.data.amountPaid=10", "$.amount=20.5", "$.amount=100", "$.amountDue=0", "$.data.invoice.amountPaid=10");

    JsonNode publicPaid = server.client().send("GET", "/api/v1/public/invoices/" + paidId, null, Map.of()).json();
    assertThat(publicPaid.get("status").asText()).isEqualTo("PAID");
    assertThat(publicPaid.get("amountPaid").asText()).isEqualTo("10");
    assertThat(publicPaid.get("amountDue").asText()).isEqualTo("0");
    assertThat(publicPaid.get("paidLate").asBoolean()).isFalse();
    assertThat(publicPaid.get("redirectUrl").asText()).isEqualTo(REDIRECT);
    JsonNode publicCancelled = server.client().send("GET", "/api/v1/public/invoices/" + cancelledId, null, Map.of()).json();
    assertThat(publicCancelled.get("redirectUrl").isNull()).isTrue();
    assertThat(publicCancelled.get("amountDue").asText()).isEqualTo("20.5");
  }

  /** Fails on a fractional JSON number anywhere or an amount that is not a plain string; collects amounts. */
  static void walk(JsonNode node, String path, List<String> amounts) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode value = field.getValue();
        if (field.getKey().toLowerCase(java.util.Locale.ROOT).contains("amount") && !value.isNull()) {
          assertThat(value.isTextual()).as(path + "." + field.getKey() + " is a string: " + value).isTrue();
          assertThat(value.asText()).as(path + "." + field.getKey()).matches(PLAIN);
          amounts.add(path.replaceAll("\\[\\d+]", "") + "." + field.getKey() + "=" + value.asText());
        }
        walk(value, path + "." + field.getKey(), amounts);
      }
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        walk(element, "$", amounts);
      }
    } else if (node.isNumber()) {
      assertThat(node.isIntegralNumber()).as(path + " is a whole number: " + node).isTrue();
    }
  }

  private static void insertUnmatched(String wallet, BigDecimal amount) throws Exception {
    try (Connection c = server.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("""
            INSERT INTO unmatched_transfers (chain, tx_hash, log_index, from_address, to_address, amount, block_number, seen_at)
            VALUES ('ETHEREUM', ?, 0, ?, ?, ?, 7, ?)""")) {
      ps.setString(1, "0x" + "ef".repeat(32));
      ps.setString(2, Invoices.randomEvmWallet());
      ps.setString(3, wallet);
      ps.setBigDecimal(4, amount);
      ps.setTimestamp(5, Timestamp.from(Instant.now()));
      ps.executeUpdate();
    }
  }
}
