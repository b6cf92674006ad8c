package io.stablegate.http.pages;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceTerms;
import io.stablegate.engine.ledger.TransferRoute;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Token;
import io.stablegate.engine.payment.InvoiceService;
import io.stablegate.engine.payment.Observation;
import io.stablegate.engine.payment.PaymentMatcher;
import io.stablegate.persistence.testing.Invoices;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pages over real HTTP on a whole node: the checkout page is complete without JavaScript
 * and leaks nothing of the merchant, its QR code decodes to the exact EIP-681 URI, assets are
 * versioned, cached for good and gzipped, unknown invoices are 404.
 */
class PageRoutesTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = new TestNode(TestDatabase.fresh());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void checkoutPageShowsAmountAddressNetworkAndQrWithoutScriptAndNothingOfTheMerchant() throws Exception {
    String wallet = Invoices.randomEvmWallet();
    Invoice invoice = node.invoices().create(Invoices.newInvoice(wallet, "10.5", Instant.now().plusSeconds(1800)))
        .toCompletableFuture().get();
    String payAmount = Amounts.format(invoice.payAmount());

    HttpResponse<String> page = get("/pay/" + invoice.id());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
    String html = page.body();
    assertThat(html).contains(">" + payAmount + "</span> USDT", wallet, "Ethereum (ERC-20)",
        "Send only USDT on Ethereum (ERC-20), and exactly <span class=\"pay-amount-text\">" + payAmount
            + "</span> USDT",
        "src=\"/pay/" + invoice.id() + "/qr.png?amount=" + payAmount + "\"", "datetime=\"" + invoice.expiresAt() + "\"",
        "Paid but not shown? Enter your transaction hash");
    assertThat(html).doesNotContain(invoice.orderId(), "test invoice", "\"k\"", invoice.merchantId().toString());
    assertThat(html).doesNotContain("style=", "<script>", "onclick");
    assertThat(html).doesNotContainPattern("\\{\\{");

    HttpResponse<byte[]> qr = HTTP.send(request("/pay/" + invoice.id() + "/qr.png").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(qr.statusCode()).isEqualTo(200);
    assertThat(qr.headers().firstValue("Content-Type")).hasValue("image/png");
    // Only a URL that names the payAmount it shows may be cached: a partial credit changes the payAmount.
    assertThat(qr.headers().firstValue("Cache-Control")).hasValue("no-store");
    HttpResponse<byte[]> named = HTTP.send(request("/pay/" + invoice.id() + "/qr.png?amount=" + payAmount).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(named.headers().firstValue("Cache-Control")).hasValueSatisfying(c -> assertThat(c).contains("immutable"));
    String expected = "ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7@1/transfer?address=" + wallet
        + "&uint256=" + invoice.payAmount().movePointRight(6).toBigIntegerExact();
    assertThat(QrCodes.decode(qr.body())).isEqualTo(expected);
    assertThat(html).contains("alt=\"QR code: " + expected.replace("&", "&amp;") + "\"");
  }

  @Test
  void aUsdcInvoiceOnPolygonNamesUsdcAndItsQrCodeIsTheUsdcContractOnChain137() throws Exception {
    String wallet = Invoices.randomEvmWallet();
    Invoice invoice = node.invoices().create(new InvoiceService.NewInvoice(UUID.randomUUID(), new InvoiceTerms(
            UUID.randomUUID(), Chain.valueOf("POLYGON"), wallet, new BigDecimal("42"), "order-1", "mugs", "{}",
            Instant.now().plusSeconds(1800), null, null, Token.USDC)))
        .toCompletableFuture().get();
    String payAmount = Amounts.format(invoice.payAmount());
    String html = get("/pay/" + invoice.id()).body();
    assertThat(html).contains(">" + payAmount + "</span> USDC", "Polygon PoS (ERC-20)",
        "Send only USDC on Polygon PoS (ERC-20), and exactly <span class=\"pay-amount-text\">" + payAmount
            + "</span> USDC", "<strong id=\"token\">USDC</strong>");
    assertThat(html).doesNotContain("USDT").doesNotContainPattern("\\{\\{");
    HttpResponse<byte[]> qr = HTTP.send(request("/pay/" + invoice.id() + "/qr.png").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(QrCodes.decode(qr.body())).isEqualTo("ethereum:0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359@137/transfer"
        + "?address=" + wallet + "&uint256=" + invoice.payAmount().movePointRight(6).toBigIntegerExact());
  }

  @Test
  void aCancelledInvoiceTellsThePayerNotToPayAndHidesThePaymentDetails() throws Exception {
    Invoice invoice = node.invoices().create(
        Invoices.newInvoice(Invoices.randomEvmWallet(), "3", Instant.now().plusSeconds(600))).toCompletableFuture().get();
    node.invoices().cancel(invoice.id()).toCompletableFuture().get();
    String html = get("/pay/" + invoice.id()).body();
    assertThat(html).contains("data-status=\"CANCELLED\"", "class=\"status status-cancelled\"");
    assertThat(visibleMessage(html)).isEqualTo("CANCELLED");
    assertThat(html).contains("id=\"pay-details\" class=\"pay-details\" hidden");
  }

  @Test
  void anExpiredInvoiceSaysSoAndALatePaymentShowsAsPaidLate() throws Exception {
    String wallet = Invoices.randomEvmWallet();
    Invoice invoice = node.invoices().create(Invoices.newInvoice(wallet, "7", Instant.now().plusSeconds(2)))
        .toCompletableFuture().get();
    String expired = Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
        .until(() -> get("/pay/" + invoice.id()).body(), html -> html.contains("data-status=\"EXPIRED\""));
    assertThat(visibleMessage(expired)).isEqualTo("EXPIRED");
    assertThat(expired).contains("id=\"pay-details\" class=\"pay-details\" hidden");

    PaymentMatcher matcher = new PaymentMatcher(node.system());
    Transfer late = new Transfer(Chain.ETHEREUM, "0x" + "ab".repeat(32), 0, Invoices.randomEvmWallet(),
        invoice.address(), invoice.payAmount(), 100, "0x" + "cd".repeat(32), Instant.now());
    assertThat(matcher.observeAll(List.of(late), t -> 1).toCompletableFuture().get())
        .singleElement().isEqualTo(new Observation.Recorded(late, new TransferRoute(invoice.id())));
    matcher.confirm(invoice.id(), late.key(), invoice.requiredConfirmations()).toCompletableFuture().get();
    String paidLate = get("/pay/" + invoice.id()).body();
    assertThat(paidLate).contains("data-status=\"PAID\"", "data-paid-late=\"true\"", "status status-paid-late");
    assertThat(visibleMessage(paidLate)).isEqualTo("PAID_LATE");
  }

  @Test
  void unknownInvoicesAndUnknownAssetsAre404() throws Exception {
    assertThat(settled("/pay/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
    assertThat(settled("/pay/" + UUID.randomUUID() + "/qr.png").statusCode()).isEqualTo(404);
    assertThat(get("/pay/not-a-uuid").statusCode()).isEqualTo(404);
    String base = StaticAssets.load().base();
    assertThat(get(base + "/secret.txt").statusCode()).isEqualTo(404);
    assertThat(get(base + "/..%2Freference.conf").statusCode()).isEqualTo(404);
    assertThat(get("/assets/0123456789ab/style.css").statusCode()).isEqualTo(404);
  }

  @Test
  void assetsAreVersionedCachedForGoodAndGzipped() throws Exception {
    String dashboard = get("/dashboard/").body();
    Matcher script = Pattern.compile("src=\"(/assets/[0-9a-f]{12}/dashboard\\.js)\"").matcher(dashboard);
    assertThat(script.find()).isTrue();
    assertThat(get("/dashboard/").headers().firstValue("Cache-Control")).hasValue("no-cache");

    HttpResponse<byte[]> js = HTTP.send(request(script.group(1)).header("Accept-Encoding", "gzip").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
    assertThat(js.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
    assertThat(js.headers().firstValue("Content-Encoding")).hasValue("gzip");
    String text = new String(new GZIPInputStream(new ByteArrayInputStream(js.body())).readAllBytes(), StandardCharsets.UTF_8);
    assertThat(text).contains("import {");

    HttpResponse<String> root = get("/");
    assertThat(root.statusCode()).isEqualTo(302);
    assertThat(root.headers().firstValue("Location")).hasValue("/dashboard/");
  }

  @Test
  void tronAndBscNameTheirNetworkPlainly() {
    var tokens = PaymentToken.fromConfig(ConfigFactory.load());
    assertThat(tokens.get(Chain.TRON).get(Token.USDT).networkName()).isEqualTo("Tron (TRC-20)");
    assertThat(tokens.get(Chain.BSC).get(Token.USDT).networkName()).isEqualTo("BNB Smart Chain (BEP-20)");
  }

  private static String visibleMessage(String html) {
    Matcher m = Pattern.compile("<p class=\"status-message\" data-for=\"([A-Z_]+)\" >").matcher(html);
    assertThat(m.find()).as("one visible status message").isTrue();
    String state = m.group(1);
    assertThat(m.find()).as("only one visible status message").isFalse();
    return state;
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
        .timeout(Duration.ofSeconds(10));
  }

  /**
   * The answer once the entity answered in time: on a loaded machine the first ask to a cold shard
   * can outlast the ask timeout, which the page rightly answers 503 (try again).
   */
  private static HttpResponse<String> settled(String path) {
    return Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
        .until(() -> get(path), response -> response.statusCode() != 503);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
  }
}
