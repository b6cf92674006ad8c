package io.stablegate.http.invoices;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.chain.ChainStatus;
import io.stablegate.engine.money.Chain;
import io.stablegate.http.rates.CoinbaseImitation;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.persistence.testing.Invoices;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Invoices priced in fiat through real HTTP, with the node's rate source reading a local server that
 * answers in Coinbase's format: refreshed every 250 ms, a rate usable for 3 s.
 */
class PricedInvoiceApiTest {
  private static final Map<String, Object> TEN_EURO =
      Map.of("price", Map.of("amount", "10", "currency", "EUR"), "chain", "ETHEREUM");

  private static CoinbaseImitation coinbase;
  private static ApiTestServer server;
  private static ApiClient merchant;

  @BeforeAll
  static void start() throws Exception {
    coinbase = new CoinbaseImitation().answer(Map.of("EUR", "0.92", "CNY", "7.1"));
    server = new ApiTestServer(ConfigFactory.parseString("""
        stablegate.rates.source = coinbase
        stablegate.rates.url = "%s"
        stablegate.rates.refresh = 250ms
        stablegate.rates.max-age = 3s
        stablegate.rates.max-change = 0.2
        """.formatted(coinbase.url())));
    merchant = server.client().signUp();
    assertThat(merchant.withSession("PUT", "/api/v1/wallets/ETHEREUM",
        Map.of("address", Invoices.randomEvmWallet())).status()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    server.close();
    coinbase.close();
  }

  @Test
  void aTokenItsChainsWatcherTurnedOffIsRefusedNamingToken() {
    Chain optimism = Chain.valueOf("OPTIMISM");
    server.node().node().chains().publish(new ChainStatus(optimism, 100, 90, "http://rpc.test", null, null, false,
        Instant.now(), Map.of("USDT", "watching", "USDC", "off: no contract code at 0x0b2C… on chain id 10")));
    Answer refused = merchant.withKey("POST", "/api/v1/invoices",
        Map.of("amount", "10", "chain", "OPTIMISM", "token", "USDC"));
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.json().get("errors").get(0).get("field").asText()).isEqualTo("token");
    assertThat(refused.json().get("errors").get(0).get("message").asText())
        .contains("USDC is turned off on OPTIMISM", "no contract code");
    // USDT on the same chain is not refused for its token (this merchant has no OPTIMISM wallet: chain).
    Answer usdt = merchant.withKey("POST", "/api/v1/invoices", Map.of("amount", "10", "chain", "OPTIMISM"));
    assertThat(usdt.json().get("errors").get(0).get("field").asText()).isEqualTo("chain");
  }

  @Test
  void aPriceIsConvertedAtTheCurrentRateRoundedUpAndLockedInTheCreationEvent() {
    coinbase.answer(Map.of("EUR", "0.92", "CNY", "7.1"), Map.of("EUR", "0.93", "CNY", "7.1"));
    Answer created = awaitCreated(TEN_EURO);
    JsonNode invoice = created.json();

    assertThat(invoice.get("amount").asText()).as("10 / 0.92 = 10.869…, rounded up").isEqualTo("10.87");
    assertThat(invoice.get("price").get("amount").asText()).isEqualTo("10");
    assertThat(invoice.get("price").get("currency").asText()).isEqualTo("EUR");
    assertThat(invoice.get("rate").asText()).isEqualTo("0.92");
    assertThat(invoice.get("rateSource").asText()).isEqualTo("coinbase");
    Instant rateAt = Instant.parse(invoice.get("rateAt").asText());
    Instant createdAt = Instant.parse(invoice.get("createdAt").asText());
    assertThat(rateAt).isBeforeOrEqualTo(createdAt).isAfter(createdAt.minusSeconds(3));
    String id = invoice.get("id").asText();
    assertThat(merchant.withKey("GET", "/api/v1/invoices/" + id, null).json()).isEqualTo(invoice);

    JsonNode creation = merchant.withKey("GET", "/api/v1/invoices/" + id + "/events", null).json().get(0);
    assertThat(creation.get("type").asText()).isEqualTo("InvoiceCreated");
    JsonNode data = creation.get("data");
    BigDecimal recomputed = new BigDecimal(data.get("price").get("amount").asText())
        .divide(new BigDecimal(data.get("rate").asText()), 2, RoundingMode.UP);
    assertThat(recomputed).as("an auditor recomputes the amount from the creation event alone")
        .isEqualByComparingTo(data.get("amount").asText());
    assertThat(data.get("price").get("currency").asText()).isEqualTo("EUR");
    assertThat(data.get("rateSource").asText()).isEqualTo("coinbase");
    assertThat(Instant.parse(data.get("rateAt").asText())).isEqualTo(rateAt);

    // a USDC invoice is priced at USDC's rate, once the background refresh has brought it (USDT's never does)
    JsonNode usdc = Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> merchant.withKey("POST", "/api/v1/invoices", Map.of("price",
            Map.of("amount", "10", "currency", "EUR"), "chain", "ETHEREUM", "token", "USDC")),
            a -> a.status() == 201 && a.json().get("rate").asText().equals("0.93"))
        .json();
    assertThat(usdc.get("amount").asText()).as("10 / 0.93 = 10.752…, rounded up").isEqualTo("10.76");
    assertThat(usdc.get("token").asText()).isEqualTo("USDC");

    JsonNode yuan = awaitCreated(Map.of("price", Map.of("amount", "100", "currency", "CNY"), "chain", "ETHEREUM"))
        .json();
    assertThat(yuan.get("amount").asText()).as("100 / 7.1 = 14.0845…").isEqualTo("14.09");

    JsonNode plain = merchant.withKey("POST", "/api/v1/invoices", Map.of("amount", "5", "chain", "ETHEREUM")).json();
    assertThat(plain.get("price").isNull()).as("an amount invoice has no price").isTrue();
    assertThat(plain.get("rate").isNull()).isTrue();
    assertThat(plain.get("token").asText()).as("USDT unless said").isEqualTo("USDT");
    assertThat(invoice.get("token").asText()).isEqualTo("USDT");
    Answer usdt = merchant.withKey("POST", "/api/v1/invoices",
        Map.of("amount", "6", "chain", "ETHEREUM", "token", "USDT"));
    assertThat(usdt.status()).isEqualTo(201);
    JsonNode usdtCreation = merchant.withKey("GET", "/api/v1/invoices/" + usdt.json().get("id").asText() + "/events",
        null).json().get(0).get("data");
    assertThat(usdtCreation.path("token").isMissingNode() || usdtCreation.get("token").isNull())
        .as("a USDT creation encodes as before tokens: no token").isTrue();
  }

  @Test
  void withoutAFreshRatePricedRequestsGet503AndAmountRequestsDoNotThenItRecoversByItself() {
    coinbase.answer(Map.of("EUR", "0.92"));
    awaitCreated(TEN_EURO);

    coinbase.down();
    Answer refused = Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .until(() -> merchant.withKey("POST", "/api/v1/invoices", TEN_EURO), a -> a.status() != 201);
    assertThat(refused.status()).as(refused.body()).isEqualTo(503);
    assertThat(refused.header("Content-Type")).hasValue("application/problem+json");
    assertThat(refused.header("Retry-After")).isPresent();
    assertThat(refused.json().get("detail").asText()).contains("EUR");
    assertThat(merchant.withKey("POST", "/api/v1/invoices", Map.of("amount", "10", "chain", "ETHEREUM")).status())
        .as("an amount needs no rate").isEqualTo(201);

    Answer health = server.client().send("GET", "/api/v1/health", null, Map.of());
    assertThat(health.status()).as("a failing rate source is reported, not a failing node").isEqualTo(200);
    JsonNode rates = health.json().get("rates");
    assertThat(rates.get("source").asText()).isEqualTo("coinbase");
    assertThat(rates.get("lastError").asText()).contains("HTTP 503");
    assertThat(rates.get("ageSeconds").asLong()).isGreaterThanOrEqualTo(3);
    assertThat(rates.get("failures").asLong()).isPositive();
    // Every known chain is listed with its state, watched or not (this node watches none).
    JsonNode chains = health.json().get("chains");
    assertThat(chains.fieldNames()).toIterable().containsExactly("TRON", "ETHEREUM", "BSC", "POLYGON", "ARBITRUM",
        "BASE", "OPTIMISM", "AVALANCHE");
    assertThat(chains.get("POLYGON").get("enabled").asBoolean()).isFalse();
    assertThat(chains.get("POLYGON").get("state").asText()).isEqualTo("disabled");
    assertThat(chains.get("POLYGON").get("tokens").get("USDC").asText()).isEqualTo("disabled");
    assertThat(chains.get("BASE").get("tokens").has("USDT")).as("USDT is off on Base by default").isFalse();
    // what each chain is, for the dashboard's lists
    assertThat(chains.get("AVALANCHE").get("label").asText()).isEqualTo("Avalanche C-Chain");
    assertThat(chains.get("AVALANCHE").get("tokenStandard").asText()).isEqualTo("ERC-20");
    assertThat(chains.get("AVALANCHE").get("kind").asText()).isEqualTo("evm");
    assertThat(chains.get("TRON").get("kind").asText()).isEqualTo("tron");
    assertThat(chains.get("BSC").get("tokenStandard").asText()).isEqualTo("BEP-20");

    coinbase.answer(Map.of("EUR", "0.95"));
    JsonNode recovered = awaitCreated(TEN_EURO).json();
    assertThat(recovered.get("rate").asText()).isEqualTo("0.95");
    assertThat(recovered.get("amount").asText()).as("10 / 0.95 = 10.526…").isEqualTo("10.53");
  }

  @Test
  void aGarbageAnswerIsNotBelievedTheLastGoodRateServesUntilTooOld() {
    coinbase.answer(Map.of("EUR", "0.92"));
    awaitCreated(TEN_EURO);

    coinbase.answer(Map.of("EUR", "not-a-rate"));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> String.valueOf(
        server.client().send("GET", "/api/v1/health", null, Map.of()).json().get("rates").get("lastError").asText())
        .contains("EUR \"not-a-rate\" is not a positive decimal"));
    Answer stillPriced = merchant.withKey("POST", "/api/v1/invoices", TEN_EURO);
    assertThat(stillPriced.status()).as(stillPriced.body()).isEqualTo(201);
    assertThat(stillPriced.json().get("rate").asText()).as("the last good rate").isEqualTo("0.92");

    Answer stale = Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .until(() -> merchant.withKey("POST", "/api/v1/invoices", TEN_EURO), a -> a.status() != 201);
    assertThat(stale.status()).isEqualTo(503);
    assertThat(stale.header("Retry-After")).isPresent();

    coinbase.answer(Map.of("EUR", "0.92"));
    assertThat(awaitCreated(TEN_EURO).json().get("rate").asText()).isEqualTo("0.92");
  }

  /** Creates until the rate source has a fresh rate (it refreshes in the background). */
  private static Answer awaitCreated(Map<String, Object> body) {
    return Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> merchant.withKey("POST", "/api/v1/invoices", body), a -> a.status() == 201);
  }
}
