package io.stablegate.http.claims;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.persistence.testing.Invoices;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The claim endpoint's answers that need no chain: bad input is 400 naming the field and reads
 * nothing; an unknown invoice 404; a node that cannot read the invoice's chain 503 with Retry-After
 * (the test server reads no chain). The chain's answers are PayerClaimsIT's.
 */
class PayerClaimRoutesTest {
  private static ApiTestServer server;
  private static String invoiceId;

  @BeforeAll
  static void start() {
    server = new ApiTestServer();
    ApiClient merchant = server.client().signUp();
    assertThat(merchant.withSession("PUT", "/api/v1/wallets/ETHEREUM", Map.of("address", Invoices.randomEvmWallet()))
        .status()).isEqualTo(200);
    Answer invoice = merchant.withKey("POST", "/api/v1/invoices", Map.of("amount", "10", "chain", "ETHEREUM"));
    assertThat(invoice.status()).as(invoice.toString()).isEqualTo(201);
    invoiceId = invoice.json().get("id").asText();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Answer claim(String invoice, Object body) {
    return server.client().send("POST", "/api/v1/public/invoices/" + invoice + "/claims", body, Map.of());
  }

  @Test
  void aHashNotOfTheChainsFormIs400NamingTxHash() {
    for (String malformed : new String[] {"0x12", "ab".repeat(32), "0x" + "zz".repeat(32), " ", "0x" + "ab".repeat(33)}) {
      Answer answer = claim(invoiceId, Map.of("txHash", malformed));
      assertThat(answer.status()).as(malformed + ": " + answer).isEqualTo(400);
      assertThat(answer.errorFields()).containsExactly("txHash");
    }
    assertThat(claim(invoiceId, Map.of()).errorFields()).containsExactly("txHash");
    assertThat(claim(invoiceId, Map.of("txHash", "0x" + "ab".repeat(32), "amount", "1")).errorFields())
        .containsExactly("amount");
  }

  @Test
  void anUnknownInvoiceIs404() {
    assertThat(claim(UUID.randomUUID().toString(), Map.of("txHash", "0x" + "ab".repeat(32))).status()).isEqualTo(404);
  }

  @Test
  void aChainThatCannotBeReadIs503WithRetryAfter() {
    Answer answer = claim(invoiceId, Map.of("txHash", "0x" + "cd".repeat(32)));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(503);
    assertThat(answer.header("Retry-After")).isPresent();
    assertThat(answer.json().get("detail").asText()).contains("ETHEREUM");
  }
}
