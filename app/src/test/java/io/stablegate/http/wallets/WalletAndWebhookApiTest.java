package io.stablegate.http.wallets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.webhook.WebhookEndpoint;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.persistence.BlockingDispatcher;
import io.stablegate.persistence.merchant.JdbcWebhookEndpoints;
import io.stablegate.persistence.merchant.MerchantChanges;
import io.stablegate.persistence.testing.Invoices;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Wallets, webhook URL and secret, and the audit trail of their changes, through real HTTP. */
class WalletAndWebhookApiTest {
  private static final String TRON_WALLET = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
  private static ApiTestServer server;

  @BeforeAll
  static void start() {
    server = new ApiTestServer();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The endpoint lookup webhook delivery uses, over the node's repository and blocking dispatcher. */
  private static JdbcWebhookEndpoints webhookEndpoints() {
    return new JdbcWebhookEndpoints(server.node().repositories().webhookSettings(),
        server.node().repositories().wallets(), server.node().repositories().webhookEndpoints(),
        BlockingDispatcher.lookup(server.node().system()));
  }

  @Test
  void walletsAreCheckedStoredCanonicalAndAudited() throws Exception {
    List<MerchantChanges.Notice> heard = new CopyOnWriteArrayList<>();
    server.node().node().changes().subscribe(heard::add);
    ApiClient client = server.client().signUp();
    String wallet = Invoices.randomEvmWallet();

    Answer set = client.withSession("PUT", "/api/v1/wallets/ETHEREUM", Map.of("address", wallet.toLowerCase(Locale.ROOT)));
    assertThat(set.status()).isEqualTo(200);
    assertThat(set.json().get("address").asText()).isEqualTo(wallet);
    assertThat(set.json().get("chain").asText()).isEqualTo("ETHEREUM");
    assertThat(client.withSession("PUT", "/api/v1/wallets/TRON", Map.of("address", TRON_WALLET)).status()).isEqualTo(200);

    assertThat(server.node().repositories().wallets().canonicalAddresses(Chain.ETHEREUM)).contains(wallet);
    assertThat(server.node().repositories().wallets().canonicalAddresses(Chain.TRON)).contains(TRON_WALLET);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        heard.contains(new MerchantChanges.WalletsChanged(Chain.ETHEREUM)));

    JsonNode me = client.withKey("GET", "/api/v1/me", null).json();
    assertThat(me.get("wallets").findValuesAsText("address")).containsExactlyInAnyOrder(wallet, TRON_WALLET);

    ApiClient other = server.client().signUp();
    Answer taken = other.withSession("PUT", "/api/v1/wallets/ETHEREUM", Map.of("address", wallet));
    assertThat(taken.status()).isEqualTo(409);

    String replacement = Invoices.randomEvmWallet();
    assertThat(client.withSession("PUT", "/api/v1/wallets/ETHEREUM", Map.of("address", replacement)).status()).isEqualTo(200);
    assertThat(client.withSession("DELETE", "/api/v1/wallets/TRON", null).status()).isEqualTo(204);
    assertThat(server.node().repositories().wallets().canonicalAddresses(Chain.TRON)).doesNotContain(TRON_WALLET);

    JsonNode changes = client.withKey("GET", "/api/v1/settings-changes", null).json().get("items");
    assertThat(changes).hasSize(4);
    assertThat(changes.get(0).get("kind").asText()).isEqualTo("WALLET_SET");
    assertThat(changes.get(0).get("oldValue").isNull()).isTrue();
    assertThat(changes.get(0).get("newValue").asText()).isEqualTo(wallet);
    assertThat(changes.get(0).get("actor").asText()).isEqualTo("session");
    assertThat(changes.get(2).get("oldValue").asText()).isEqualTo(wallet);
    assertThat(changes.get(2).get("newValue").asText()).isEqualTo(replacement);
    assertThat(changes.get(3).get("kind").asText()).isEqualTo("WALLET_REMOVED");
    assertThat(changes.get(3).get("oldValue").asText()).isEqualTo(TRON_WALLET);
    assertThat(changes.get(1).get("prevHash").asText()).isEqualTo(changes.get(0).get("hash").asText());
    assertThat(other.withKey("GET", "/api/v1/settings-changes", null).json().get("items")).isEmpty();
  }

  @Test
  void webhookSecretIsShownOnceKeptEncryptedAndRotatedWithGrace() {
    ApiClient client = server.client().signUp();
    Answer first = client.withSession("PUT", "/api/v1/webhook", Map.of("url", "https://shop.example.com/hooks"));
    assertThat(first.status()).isEqualTo(200);
    String secret = first.json().get("secret").asText();
    assertThat(secret).matches("whsec_[A-Za-z0-9+/]{43}=");

    Answer second = client.withSession("PUT", "/api/v1/webhook", Map.of("url", "https://shop.example.com/hooks/v2"));
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().has("secret")).isFalse();
    assertThat(client.withKey("GET", "/api/v1/me", null).json().get("webhookUrl").asText())
        .isEqualTo("https://shop.example.com/hooks/v2");

    WebhookEndpoint endpoint = webhookEndpoints().find(client.merchantId()).toCompletableFuture().join().orElseThrow();
    assertThat(endpoint.url()).isEqualTo("https://shop.example.com/hooks/v2");
    assertThat(endpoint.secrets()).containsExactly(secret);

    Answer rotated = client.withSession("POST", "/api/v1/webhook/rotate-secret", null);
    assertThat(rotated.status()).isEqualTo(200);
    String newSecret = rotated.json().get("secret").asText();
    assertThat(newSecret).startsWith("whsec_").isNotEqualTo(secret);
    endpoint = webhookEndpoints().find(client.merchantId()).toCompletableFuture().join().orElseThrow();
    assertThat(endpoint.secrets()).containsExactly(newSecret, secret);

    webhookEndpoints().disable(client.merchantId(), "410 Gone").toCompletableFuture().join();
    assertThat(webhookEndpoints().find(client.merchantId()).toCompletableFuture().join().orElseThrow().disabled()).isTrue();
    client.withSession("PUT", "/api/v1/webhook", Map.of("url", "https://shop.example.com/hooks/v3"));
    assertThat(webhookEndpoints().find(client.merchantId()).toCompletableFuture().join().orElseThrow().disabled()).isFalse();

    JsonNode changes = client.withKey("GET", "/api/v1/settings-changes", null).json().get("items");
    assertThat(changes.findValuesAsText("kind")).containsExactly("WEBHOOK_URL_SET", "WEBHOOK_URL_SET",
        "WEBHOOK_SECRET_ROTATED", "WEBHOOK_URL_SET");
    assertThat(changes.toString()).doesNotContain(secret).doesNotContain(newSecret);
  }

  @Test
  void rotatingWithoutAWebhookIs404AndBadUrlsAre400() {
    ApiClient client = server.client().signUp();
    assertThat(client.withSession("POST", "/api/v1/webhook/rotate-secret", null).status()).isEqualTo(404);
    for (String url : new String[] {"ftp://shop.example.com/x", "not a url", "https://user:pw@shop.example.com/",
        "https:///nohost", "javascript:alert(1)"}) {
      Answer answer = client.withSession("PUT", "/api/v1/webhook", Map.of("url", url));
      assertThat(answer.status()).as(url).isEqualTo(400);
      assertThat(answer.errorFields()).as(url).containsExactly("url");
    }
    assertThat(client.withKey("GET", "/api/v1/me", null).json().get("webhookUrl").isNull()).isTrue();
  }
}
