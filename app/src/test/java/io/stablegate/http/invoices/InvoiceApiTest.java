package io.stablegate.http.invoices;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.persistence.testing.Invoices;
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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Invoices through real HTTP: create, get, list, cancel, events, public view, idempotency, isolation. */
class InvoiceApiTest {
  private static ApiTestServer server;

  @BeforeAll
  static void start() {
    server = new ApiTestServer();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static ApiClient merchantWithWallet(String wallet) {
    ApiClient client = server.client().signUp();
    Answer set = client.withSession("PUT", "/api/v1/wallets/ETHEREUM", Map.of("address", wallet));
    assertThat(set.status()).isEqualTo(200);
    return client;
  }

  @Test
  void createGetCancelAndReadTheJournal() {
    String wallet = Invoices.randomEvmWallet();
    ApiClient client = merchantWithWallet(wallet);
    Answer created = client.withKey("POST", "/api/v1/invoices", Map.of("amount", "10.5", "chain", "ETHEREUM",
        "orderId", "A-1", "description", "two mugs", "expiresInMinutes", 15, "metadata", Map.of("cart", List.of(1, 2))));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode invoice = created.json();
    String id = invoice.get("id").asText();
    assertThat(invoice.get("status").asText()).isEqualTo("PENDING");
    assertThat(invoice.get("amount").asText()).isEqualTo("10.5");
    assertThat(invoice.get("payAmount").asText()).isEqualTo("10.5");
    assertThat(invoice.get("address").asText()).isEqualTo(wallet);
    assertThat(invoice.get("token").asText()).isEqualTo("USDT");
    assertThat(invoice.get("amountPaid").asText()).isEqualTo("0");
    assertThat(invoice.get("orderId").asText()).isEqualTo("A-1");
    assertThat(invoice.get("metadata").toString()).isEqualTo("{\"cart\":[1,2]}");
    assertThat(invoice.get("checkoutUrl").asText()).isEqualTo("https://pay.example.test/pay/" + id);
    assertThat(invoice.get("requiredConfirmations").asInt()).isEqualTo(12);
    // expiresAt is fixed when the request is accepted, createdAt when the entity persists it
    assertThat(Duration.between(Instant.parse(invoice.get("createdAt").asText()),
        Instant.parse(invoice.get("expiresAt").asText()))).isBetween(Duration.ofMinutes(14), Duration.ofMinutes(15));

    Answer second = client.withKey("POST", "/api/v1/invoices", Map.of("amount", "10.5", "chain", "ETHEREUM"));
    assertThat(second.json().get("payAmount").asText()).as("a unique payAmount per open invoice").isEqualTo("10.5001");
    assertThat(second.json().get("expiresAt").asText()).isNotNull();

    assertThat(client.withKey("GET", "/api/v1/invoices/" + id, null).json()).isEqualTo(invoice);
    assertThat(client.withSession("GET", "/api/v1/invoices/" + id, null).status()).isEqualTo(200);

    Answer cancelled = client.withSession("POST", "/api/v1/invoices/" + id + "/cancel", null);
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().get("status").asText()).isEqualTo("CANCELLED");
    assertThat(client.withKey("POST", "/api/v1/invoices/" + id + "/cancel", null).status()).isEqualTo(409);

    Answer events = client.withKey("GET", "/api/v1/invoices/" + id + "/events", null);
    assertThat(events.status()).isEqualTo(200);
    // the node's webhook delivery runs too: its attempts (WebhookAttempted) come as they happen
    List<JsonNode> lifecycle = new ArrayList<>();
    events.json().forEach(e -> {
      if (!e.get("type").asText().equals("WebhookAttempted")) {
        lifecycle.add(e);
      }
    });
    assertThat(lifecycle).hasSize(2);
    assertThat(lifecycle.get(0).get("seqNr").asLong()).isEqualTo(1);
    assertThat(lifecycle.get(0).get("type").asText()).isEqualTo("InvoiceCreated");
    assertThat(lifecycle.get(0).get("data").get("orderId").asText()).isEqualTo("A-1");
    assertThat(lifecycle.get(1).get("type").asText()).isEqualTo("InvoiceCancelled");
    assertThat(lifecycle.get(1).has("at")).isTrue();
  }

  @Test
  void thePublicViewShowsOnlyWhatThePayerNeeds() {
    ApiClient client = merchantWithWallet(Invoices.randomEvmWallet());
    JsonNode invoice = client.withKey("POST", "/api/v1/invoices",
        Map.of("amount", "3", "chain", "ETHEREUM", "orderId", "secret-order", "metadata", Map.of("email", "x@y.z"))).json();
    Answer view = server.client().send("GET", "/api/v1/public/invoices/" + invoice.get("id").asText(), null, Map.of());
    assertThat(view.status()).isEqualTo(200);
    List<String> fields = new ArrayList<>();
    view.json().fieldNames().forEachRemaining(fields::add);
    // amountPaid, amountDue and paidLate let the checkout page show a partial payment; of the merchant's, only
    // the shop's return address and display name
    assertThat(fields).containsExactly("id", "status", "chain", "token", "payAmount", "address", "expiresAt",
        "confirmations", "requiredConfirmations", "amountPaid", "amountDue", "paidLate", "redirectUrl",
        "merchantName");
    assertThat(view.json().get("payAmount").asText()).isEqualTo(invoice.get("payAmount").asText());
    assertThat(view.json().get("confirmations").asInt()).isZero();
    assertThat(server.client().send("GET", "/api/v1/public/invoices/" + UUID.randomUUID(), null, Map.of()).status())
        .isEqualTo(404);
  }

  @Test
  void anotherMerchantsInvoiceIsNotFound() {
    ApiClient owner = merchantWithWallet(Invoices.randomEvmWallet());
    ApiClient stranger = merchantWithWallet(Invoices.randomEvmWallet());
    String id = owner.withKey("POST", "/api/v1/invoices", Map.of("amount", "1", "chain", "ETHEREUM")).json().get("id").asText();
    for (String path : List.of("/api/v1/invoices/" + id, "/api/v1/invoices/" + id + "/events")) {
      Answer answer = stranger.withKey("GET", path, null);
      assertThat(answer.status()).as(path).isEqualTo(404);
      assertThat(answer.body()).doesNotContain(owner.merchantId().toString());
    }
    assertThat(stranger.withKey("POST", "/api/v1/invoices/" + id + "/cancel", null).status()).isEqualTo(404);
    assertThat(owner.withKey("GET", "/api/v1/invoices/" + id, null).json().get("status").asText()).isEqualTo("PENDING");
  }

  @Test
  void listingIsNewestFirstFilteredAndPaged() {
    ApiClient client = merchantWithWallet(Invoices.randomEvmWallet());
    ApiClient other = merchantWithWallet(Invoices.randomEvmWallet());
    other.withKey("POST", "/api/v1/invoices", Map.of("amount", "9", "chain", "ETHEREUM", "orderId", "X"));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(0, client.withKey("POST", "/api/v1/invoices",
          Map.of("amount", "2", "chain", "ETHEREUM", "orderId", i == 2 ? "X" : "O-" + i)).json().get("id").asText());
    }
    client.withKey("POST", "/api/v1/invoices/" + ids.get(0) + "/cancel", null);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
        client.withKey("GET", "/api/v1/invoices?status=CANCELLED", null).json().get("items").size() == 1
            && client.withKey("GET", "/api/v1/invoices?limit=100", null).json().get("items").size() == 5);

    List<String> paged = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Answer page = client.withKey("GET", "/api/v1/invoices?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), null);
      assertThat(page.status()).isEqualTo(200);
      page.json().get("items").forEach(i -> paged.add(i.get("id").asText()));
      cursor = page.json().get("nextCursor").isNull() ? null : page.json().get("nextCursor").asText();
      pages++;
    } while (cursor != null);
    assertThat(paged).containsExactlyElementsOf(ids);
    assertThat(pages).isEqualTo(3);

    JsonNode byOrder = client.withSession("GET", "/api/v1/invoices?orderId=X", null).json().get("items");
    assertThat(byOrder).hasSize(1);
    assertThat(byOrder.get(0).get("id").asText()).isEqualTo(ids.get(2));
    assertThat(client.withKey("GET", "/api/v1/invoices?status=CANCELLED", null).json().get("items").get(0)
        .get("id").asText()).isEqualTo(ids.get(0));
  }

  @Test
  void idempotencyKeyReplaysTheFirstResponseAndRefusesAnotherBody() {
    ApiClient client = merchantWithWallet(Invoices.randomEvmWallet());
    Map<String, String> key = Map.of("Authorization", "Bearer " + client.apiKey(), "Idempotency-Key", "order-77");
    Answer first = client.send("POST", "/api/v1/invoices", Map.of("amount", "5", "chain", "ETHEREUM"), key);
    assertThat(first.status()).isEqualTo(201);
    Answer replay = client.send("POST", "/api/v1/invoices", "{ \"amount\": \"5\",  \"chain\": \"ETHEREUM\" }", key);
    assertThat(replay.status()).isEqualTo(201);
    assertThat(replay.body()).isEqualTo(first.body());
    Answer other = client.send("POST", "/api/v1/invoices", Map.of("amount", "6", "chain", "ETHEREUM"), key);
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.header("Content-Type")).hasValue("application/problem+json");
    Answer fresh = client.send("POST", "/api/v1/invoices", Map.of("amount", "5", "chain", "ETHEREUM"),
        Map.of("Authorization", "Bearer " + client.apiKey(), "Idempotency-Key", "order-78"));
    assertThat(fresh.json().get("id").asText()).isNotEqualTo(first.json().get("id").asText());
  }

  @Test
  void unmatchedTransfersToTheMerchantsWalletsAreListed() throws Exception {
    String wallet = Invoices.randomEvmWallet();
    ApiClient client = merchantWithWallet(wallet);
    ApiClient other = merchantWithWallet(Invoices.randomEvmWallet());
    Instant seen = Instant.parse("2026-11-01T10:00:00Z");
    try (Connection c = server.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("""
            INSERT INTO unmatched_transfers (chain, tx_hash, log_index, from_address, to_address, amount, block_number, seen_at)
            VALUES ('ETHEREUM', ?, ?, ?, ?, ?, ?, ?)""")) {
      for (int i = 0; i < 3; i++) {
        ps.setString(1, "0x" + "ab".repeat(31) + "0" + i);
        ps.setInt(2, i);
        ps.setString(3, Invoices.randomEvmWallet());
        ps.setString(4, wallet);
        ps.setBigDecimal(5, new java.math.BigDecimal("7.25"));
        ps.setLong(6, 100 + i);
        ps.setTimestamp(7, Timestamp.from(seen.plusSeconds(i)));
        ps.executeUpdate();
      }
    }
    Answer page = client.withKey("GET", "/api/v1/unmatched-transfers?chain=ETHEREUM&limit=2", null);
    assertThat(page.status()).isEqualTo(200);
    JsonNode items = page.json().get("items");
    assertThat(items).hasSize(2);
    assertThat(items.get(0).get("blockNumber").asLong()).isEqualTo(102);
    assertThat(items.get(0).get("amount").asText()).isEqualTo("7.25");
    assertThat(items.get(0).get("to").asText()).isEqualTo(wallet);
    Answer rest = client.withKey("GET", "/api/v1/unmatched-transfers?cursor=" + page.json().get("nextCursor").asText(), null);
    Iterator<JsonNode> last = rest.json().get("items").elements();
    assertThat(last.next().get("blockNumber").asLong()).isEqualTo(100);
    assertThat(last.hasNext()).isFalse();
    assertThat(rest.json().get("nextCursor").isNull()).isTrue();
    assertThat(other.withKey("GET", "/api/v1/unmatched-transfers", null).json().get("items")).isEmpty();
  }
}
