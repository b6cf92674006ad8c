package io.stablegate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.app.testing.LoopbackNode;
import io.stablegate.app.testing.Merchant;
import io.stablegate.chain.evm.Anvil;
import io.stablegate.chain.evm.EvmChain;
import io.stablegate.chain.tron.FakeTronChain;
import io.stablegate.chain.tron.FakeTronNode;
import io.stablegate.engine.chain.TronAddress;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Payers' claims ({@code POST /api/v1/public/invoices/{id}/claims}) against a whole node in this JVM
 * whose Ethereum is a real anvil with the test USDT and whose Tron is the imitation gRPC node: real
 * transfers, read back by the claim through web3j's receipt and trident's transaction info. A
 * transfer to the invoice's address that pays nothing is RECORDED and shown to the merchant on the
 * unmatched transfer (claimed before it was final, or after); the transaction that paid the invoice
 * is CREDITED; a transfer to another address, a hash that does not exist, a transfer mined before the
 * invoice and one that pays another invoice are 422 naming the reason; a malformed hash is 400
 * naming txHash; a claim flood on one invoice is 429 with Retry-After. No claim credits anything.
 */
class PayerClaimsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DECIMALS = 6;
  private static final int CONFIRMATIONS = 3;
  private static final long ANVIL_CHAIN_ID = 31337;
  private static final String PROBLEM = "https://stablegate.io/problems/claim/";

  @TempDir static Path temp;

  private static LoopbackNode node;
  private static Anvil anvil;
  private static EvmChain evm;
  private static String token;
  private static FakeTronChain tron;
  private static FakeTronNode tronNode;
  private static String base;

  @BeforeAll
  static void startNode() throws Exception {
    anvil = Anvil.start();
    evm = new EvmChain(anvil.url());
    token = evm.deployToken(DECIMALS);
    tron = new FakeTronChain(FakeTronChain.newAddress(), DECIMALS, 60_000_000L);
    tronNode = new FakeTronNode(tron);
    Config claims = ConfigFactory.parseString("""
        stablegate.claims.mined-before-margin = 0s
        # every claim of this test comes from 127.0.0.1; the per-address limit is ClaimRateLimitsTest's
        stablegate.http.claims.per-address-per-minute = 1000
        stablegate.chains.tron.enabled = true
        stablegate.chains.tron.grpc-endpoints = "%s"
        stablegate.chains.tron.usdt-contract = "%s"
        stablegate.chains.tron.confirmations = %d
        stablegate.chains.tron.poll-interval-ms = 200
        stablegate.chains.tron.start-block = "%d"
        """.formatted(tronNode.endpoint(), tron.usdt().value(), CONFIRMATIONS, tron.headNumber()));
    node = LoopbackNode.start(temp.resolve("data"),
        claims.withFallback(LoopbackNode.ethereum(anvil.url(), ANVIL_CHAIN_ID, token, CONFIRMATIONS, evm.head())));
    base = node.base();
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.close();
    }
    if (evm != null) {
      evm.close();
    }
    if (anvil != null) {
      anvil.close();
    }
    if (tronNode != null) {
      tronNode.close();
    }
  }

  @Test
  void claimsOnEthereum() throws Exception {
    String wallet = EvmChain.newWallet();
    Merchant merchant = Merchant.register(base).wallet("ETHEREUM", wallet);

    // mined before the invoice existed
    TransactionReceipt early = evm.transfer(token, wallet, units("3"));
    awaitPast(evmBlockTime(early.getBlockNumber()));
    JsonNode invoice = merchant.invoice("ETHEREUM", "100");
    String id = invoice.get("id").asText();
    assertRefused(claim(id, early.getTransactionHash()), "mined-before-invoice", "before this invoice was created");

    // a transfer of the token to the invoice's address that pays nothing, claimed before it is final:
    // recorded at once, and on the unmatched transfer once it is kept as one
    awaitPast(Instant.parse(invoice.get("createdAt").asText()));
    TransactionReceipt forty = evm.transfer(token, wallet, units("40"));
    assertStatus(claim(id, forty.getTransactionHash()), "RECORDED");
    evm.mine(CONFIRMATIONS);
    JsonNode listed = awaitUnmatched(merchant, forty.getTransactionHash());
    assertThat(listed.get("state").asText()).isEqualTo("open");
    assertThat(listed.get("claims")).hasSize(1);
    assertThat(listed.get("claims").get(0).get("invoiceId").asText()).isEqualTo(id);
    // claimed again (now that it is listed): still one claim, and the invoice is not credited
    assertStatus(claim(id, forty.getTransactionHash().toUpperCase().replace("0X", "0x")), "RECORDED");
    assertThat(merchant.json(merchant.withKey("GET", "/api/v1/invoices/" + id, null)).get("status").asText())
        .isEqualTo("PENDING");

    // the transaction that paid an invoice: CREDITED for it, another invoice's for any other
    JsonNode paid = merchant.invoice("ETHEREUM", "12");
    TransactionReceipt payment = evm.transfer(token, wallet, units(paid.get("payAmount").asText()));
    evm.mine(CONFIRMATIONS);
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> merchant.json(
        merchant.withKey("GET", "/api/v1/invoices/" + paid.get("id").asText(), null)).get("status").asText(),
        "PAID"::equals);
    assertStatus(claim(paid.get("id").asText(), payment.getTransactionHash()), "CREDITED");
    assertRefused(claim(id, payment.getTransactionHash()), "pays-another-invoice", "another invoice");

    // a transfer to another address; a hash no transaction has
    TransactionReceipt elsewhere = evm.transfer(token, EvmChain.newWallet(), units("100"));
    assertRefused(claim(id, elsewhere.getTransactionHash()), "no-transfer-to-address", invoice.get("address").asText());
    // (one invoice takes 5 claims a minute: this one has had them)
    String another = merchant.invoice("ETHEREUM", "101").get("id").asText();
    assertRefused(claim(another, "0x" + randomHex()), "no-such-transaction", "No transaction");

    // malformed (answered before the invoice's limit is taken): not 0x + 64 hex digits (a Tron id is not an Ethereum hash)
    for (String malformed : List.of("0x1234", randomHex(), "0x" + randomHex().substring(1) + "g", "")) {
      HttpResponse<String> answer = claim(id, malformed);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
      assertThat(JSON.readTree(answer.body()).get("errors").get(0).get("field").asText()).isEqualTo("txHash");
    }
    assertThat(Merchant.send(base, "POST", "/api/v1/public/invoices/" + java.util.UUID.randomUUID() + "/claims",
        "{\"txHash\":\"0x" + randomHex() + "\"}", Map.of()).statusCode()).isEqualTo(404);
  }

  @Test
  void claimsOnTron() throws Exception {
    TronAddress wallet = FakeTronChain.newAddress();
    Merchant merchant = Merchant.register(base).wallet("TRON", wallet.value());

    FakeTronChain.Tx early = FakeTronChain.transfer(tron.usdt(), FakeTronChain.newAddress(), wallet, units("3"));
    long earlyBlock = tron.mine(List.of(early));
    awaitPast(Instant.ofEpochMilli(tron.block(earlyBlock).orElseThrow().header().getRawData().getTimestamp()));
    JsonNode invoice = merchant.invoice("TRON", "50");
    String id = invoice.get("id").asText();
    assertRefused(claim(id, early.txid()), "mined-before-invoice", "before this invoice was created");

    // final and unmatched first, claimed afterwards
    FakeTronChain.Tx twenty = FakeTronChain.transfer(tron.usdt(), FakeTronChain.newAddress(), wallet, units("20"));
    tron.mine(List.of(twenty));
    tron.mineEmpty(CONFIRMATIONS);
    awaitUnmatched(merchant, twenty.txid());
    assertStatus(claim(id, twenty.txid().toUpperCase()), "RECORDED");
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> awaitUnmatched(merchant, twenty.txid())
        .get("claims").findValuesAsText("invoiceId"), claims -> claims.equals(List.of(id)));

    JsonNode paid = merchant.invoice("TRON", "7");
    FakeTronChain.Tx payment = FakeTronChain.transfer(tron.usdt(), FakeTronChain.newAddress(), wallet,
        units(paid.get("payAmount").asText()));
    tron.mine(List.of(payment));
    tron.mineEmpty(CONFIRMATIONS);
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> merchant.json(
        merchant.withKey("GET", "/api/v1/invoices/" + paid.get("id").asText(), null)).get("status").asText(),
        "PAID"::equals);
    assertStatus(claim(paid.get("id").asText(), payment.txid()), "CREDITED");
    assertRefused(claim(id, payment.txid()), "pays-another-invoice", "another invoice");

    FakeTronChain.Tx elsewhere = FakeTronChain.transfer(tron.usdt(), FakeTronChain.newAddress(),
        FakeTronChain.newAddress(), units("50"));
    tron.mine(List.of(elsewhere));
    assertRefused(claim(id, elsewhere.txid()), "no-transfer-to-address", wallet.value());
    assertRefused(claim(id, randomHex()), "no-such-transaction", "No transaction");
    HttpResponse<String> evmForm = claim(id, "0x" + randomHex());
    assertThat(evmForm.statusCode()).as(evmForm.body()).isEqualTo(400);
    assertThat(evmForm.body()).contains("\"field\":\"txHash\"", "64 hexadecimal digits");
  }

  @Test
  void aClaimFloodOnOneInvoiceIsRefusedWithRetryAfter() throws Exception {
    Merchant merchant = Merchant.register(base).wallet("ETHEREUM", EvmChain.newWallet());
    String id = merchant.invoice("ETHEREUM", "5").get("id").asText();
    for (int i = 0; i < 5; i++) {
      assertThat(claim(id, "0x" + randomHex()).statusCode()).isEqualTo(422);
    }
    HttpResponse<String> flood = claim(id, "0x" + randomHex());
    assertThat(flood.statusCode()).as(flood.body()).isEqualTo(429);
    assertThat(flood.headers().firstValue("Retry-After")).hasValueSatisfying(s ->
        assertThat(Long.parseLong(s)).isBetween(1L, 60L));
    // another invoice is not held up by this one's flood
    String other = merchant.invoice("ETHEREUM", "6").get("id").asText();
    assertThat(claim(other, "0x" + randomHex()).statusCode()).isEqualTo(422);
  }

  private static HttpResponse<String> claim(String invoiceId, String txHash) throws Exception {
    return Merchant.send(base, "POST", "/api/v1/public/invoices/" + invoiceId + "/claims",
        JSON.writeValueAsString(Map.of("txHash", txHash)), Map.of());
  }

  private static void assertStatus(HttpResponse<String> answer, String status) throws Exception {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    assertThat(JSON.readTree(answer.body()).get("status").asText()).isEqualTo(status);
  }

  private static void assertRefused(HttpResponse<String> answer, String reason, String detail) throws Exception {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(422);
    assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t ->
        assertThat(t).startsWith("application/problem+json"));
    JsonNode problem = JSON.readTree(answer.body());
    assertThat(problem.get("type").asText()).isEqualTo(PROBLEM + reason);
    assertThat(problem.get("detail").asText()).contains(detail);
  }

  /** The merchant's listing shows the transfer (open, the default state), within the read side's delay. */
  private static JsonNode awaitUnmatched(Merchant merchant, String txHash) {
    return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> {
          JsonNode items = merchant.json(merchant.withKey("GET", "/api/v1/unmatched-transfers?limit=100", null))
              .get("items");
          for (JsonNode item : items) {
            if (item.get("txHash").asText().equalsIgnoreCase(txHash)) {
              return item;
            }
          }
          return null;
        }, java.util.Objects::nonNull);
  }

  private static Instant evmBlockTime(BigInteger number) throws Exception {
    return Instant.ofEpochSecond(evm.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(number), false).send()
        .getBlock().getTimestamp().longValueExact());
  }

  /** Until the wall clock is past {@code time} (block timestamps on anvil may run ahead). */
  private static void awaitPast(Instant time) {
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> Instant.now().isAfter(time.plusMillis(1000)));
  }

  private static BigInteger units(String amount) {
    return new BigDecimal(amount).movePointRight(DECIMALS).toBigIntegerExact();
  }

  private static String randomHex() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
