package io.stablegate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stablegate.app.testing.Browser;
import io.stablegate.app.testing.Merchant;
import io.stablegate.app.testing.PageTestbed;
import io.stablegate.chain.evm.EvmChain;
import io.stablegate.http.pages.QrCodes;
import io.stablegate.persistence.testing.Invoices;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * A merchant and a payer in a real browser (headless Chromium) against a whole node in this JVM
 * (embedded PostgreSQL, the sharded engine, the merchant API and the pages on real HTTP): register,
 * set a wallet, create an invoice, open its checkout page, pay it, watch both pages turn PAID without
 * a reload, rotate the API key and see the old one refused, log out and be refused.
 *
 * <p>The payment is a real ERC-20 transfer on anvil (a test USDT with 6 decimals), seen by the node's
 * own Ethereum watcher; the test mines the blocks, so the confirmations count up as it says.
 *
 * <p>Screenshots of every page, at desktop and phone widths, land in {@code target/screenshots/}.
 */
class DashboardCheckoutIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Path SCREENSHOTS = PageTestbed.SCREENSHOTS;
  private static final String PASSWORD = "correct horse battery staple 42";
  private static final int CONFIRMATIONS = 6;
  private static final long ANVIL_CHAIN_ID = PageTestbed.ANVIL_CHAIN_ID;

  @RegisterExtension
  static final PageTestbed bed = PageTestbed.withEthereum(CONFIRMATIONS);
  private static final String base = bed.base();
  private static final Browser browser = bed.browser();
  private static final EvmChain chain = bed.chain();
  private static final String token = bed.token();

  @Test
  void merchantAndPayerJourney() throws Exception {
    // ---- log in fails clearly, then register
    browser.open(base + "/");
    browser.visible("form #email");
    assertThat(browser.driver().getCurrentUrl()).endsWith("/dashboard/#/login");
    assertThat(browser.findAll(".notice")).as("a first visit is not told that a session ended").isEmpty();
    browser.screenshot("01-login-desktop", Browser.DESKTOP);
    browser.screenshot("01-login-phone", Browser.PHONE);
    String email = "merchant-" + UUID.randomUUID() + "@example.com";
    browser.type("#email", email);
    browser.type("#password", PASSWORD);
    browser.click("button[type=submit]");
    assertThat(browser.visible(".form-alert").getText()).isNotBlank();

    browser.click("a[href='#/register']");
    browser.visible("#password[autocomplete=new-password]");
    browser.type("#email", email);
    browser.type("#password", "short");
    browser.click("button[type=submit]");
    assertThat(browser.visible("#password-error").getText()).contains("12");
    assertThat(browser.find("#password").getAttribute("aria-invalid")).isEqualTo("true");
    browser.screenshot("02-register-error-desktop", Browser.DESKTOP);

    browser.type("#password", PASSWORD);
    browser.click("button[type=submit]");
    String firstKey = browser.visible("#secret-dialog-value").getText();
    assertThat(firstKey).matches("[0-9a-f]{64}");
    browser.screenshot("03-api-key-dialog-desktop", Browser.DESKTOP);
    browser.click("#secret-dialog-close");

    // ---- settings: a wallet, validated as it is typed and by the server
    browser.visible("form[data-chain=ETHEREUM] input");
    assertThat(browser.driver().getCurrentUrl()).endsWith("#/settings");
    // one wallet form per chain the node knows, in its order, named as the node names it (GET /api/v1/health)
    JsonNode known = new ObjectMapper().readTree(
        Merchant.send(base, "GET", "/api/v1/health", null, Map.of()).body()).get("chains");
    List<String> knownChains = new ArrayList<>();
    known.fieldNames().forEachRemaining(knownChains::add);
    assertThat(browser.findAll("form[data-chain]").stream().map(form -> form.getAttribute("data-chain")))
        .containsExactlyElementsOf(knownChains);
    assertThat(browser.find("label[for=wallet-avalanche]").getText()).contains("Avalanche C-Chain (ERC-20)");
    assertThat(browser.find("label[for=wallet-tron]").getText()).contains("Tron (TRC-20)");
    browser.type("form[data-chain=ETHEREUM] input", "0x1234");
    assertThat(browser.visible("#wallet-ethereum-error").getText()).contains("40 hexadecimal");
    String wallet = Invoices.randomEvmWallet();
    browser.type("form[data-chain=ETHEREUM] input", wallet);
    assertThat(browser.find("#wallet-ethereum-error").isDisplayed()).isFalse();
    browser.click("form[data-chain=ETHEREUM] button[type=submit]");
    browser.await(ExpectedConditions.textToBePresentInElementLocated(
        By.cssSelector("form[data-chain=ETHEREUM] [role=status]"), "saved"));
    // a well-formed address with a wrong EIP-55 checksum passes the pattern and is refused by the server
    String badChecksum = "0x52908400098527886E0F7030069857D2E4169Ee7";
    browser.type("form[data-chain=BSC] input", badChecksum);
    browser.click("form[data-chain=BSC] button[type=submit]");
    assertThat(browser.visible(
        "form[data-chain=BSC] .field-error:not([hidden]), form[data-chain=BSC] .form-alert:not([hidden])").getText())
        .isNotBlank();
    // the webhook URL: its secret is shown once, and again on rotation
    browser.type("#webhook-url", "http://127.0.0.1:9/stablegate-hook");
    browser.click("#webhook-title + form button[type=submit]");
    assertThat(browser.visible("#secret-dialog-value").getText()).startsWith("whsec_");
    browser.click("#secret-dialog-close");
    browser.click("#webhook-title + form .actions button:nth-of-type(2)");
    assertThat(browser.visible("#secret-dialog-title").getText()).isEqualTo("New webhook secret");
    assertThat(browser.find("#secret-dialog-value").getText()).startsWith("whsec_");
    browser.click("#secret-dialog-close");
    browser.click("#webhook-title + form .actions button:nth-of-type(3)");
    browser.await(ExpectedConditions.textToBePresentInElementLocated(
        By.cssSelector("#webhook-title + form [role=status]"), "ping"));
    browser.screenshot("04-settings-desktop", Browser.DESKTOP);
    browser.screenshot("04-settings-phone", Browser.PHONE);

    // ---- an invoice, created with the session (no API key asked for)
    browser.click("a[data-nav=invoices]");
    browser.visible("#amount");
    assertThat(browser.findAll("#apiKey")).isEmpty();
    browser.type("#amount", "10.5");
    browser.type("#orderId", "E2E-1");
    browser.type("#description", "Browser test order");
    browser.click("#create-title + form button[type=submit]");
    browser.await(d -> d.getCurrentUrl().matches(".*#/invoices/[0-9a-f-]{36}$"));
    String invoiceId = browser.driver().getCurrentUrl().replaceAll(".*#/invoices/", "");
    assertThat(browser.visible("#invoice-status").getText()).isEqualTo("PENDING");
    String payAmountText = browser.visible("#invoice-pay-amount").getText().replace(" USDT", "");
    BigDecimal payAmount = new BigDecimal(payAmountText);
    assertThat(payAmount).isBetween(new BigDecimal("10.5"), new BigDecimal("10.51"));
    browser.visible(".timeline li");
    browser.screenshot("05-invoice-pending-desktop", Browser.DESKTOP);
    String dashboardTab = browser.driver().getWindowHandle();
    browser.script("window.__sameDocument = true");

    // ---- the payer's checkout page, in another tab
    String checkoutUrl = browser.find("#checkout-link").getAttribute("href");
    assertThat(checkoutUrl).isEqualTo(base + "/pay/" + invoiceId);
    browser.driver().switchTo().newWindow(WindowType.TAB);
    browser.open(checkoutUrl);
    assertThat(browser.visible("#pay-amount").getText()).isEqualTo(payAmountText);
    String address = browser.find("#address").getText();
    assertThat(address).isEqualToIgnoringCase(wallet);
    String network = "Ethereum (ERC-20, chain id " + ANVIL_CHAIN_ID + ")";
    assertThat(browser.find("#network").getText()).isEqualTo(network);
    assertThat(browser.find(".warning").getText())
        .contains("Send only USDT on " + network + ", and exactly " + payAmountText + " USDT");
    assertThat(browser.find("#checkout").getText()).doesNotContain("E2E-1", "Browser test order", email);
    browser.await(d -> browser.find("#countdown-left").getText().contains("left"));
    browser.click(".copy-button[data-copy-label=amount]");
    browser.await(d -> !browser.find("#copy-feedback").getText().isBlank());

    String expectedUri = "ethereum:" + token + "@" + ANVIL_CHAIN_ID + "/transfer?address=" + address
        + "&uint256=" + payAmount.movePointRight(6).toBigIntegerExact();
    WebElement qr = browser.visible("#qr");
    browser.await(d -> (Boolean) browser.script("return arguments[0].complete && arguments[0].naturalWidth > 0", qr));
    // the whole code in the viewport: an element's screenshot is cut at the viewport's edge. The page may
    // still move under it (the copy feedback fades), which shifts a capture taken between the element's
    // position and the pixels: capture again until the code reads, then check what it says.
    browser.script("arguments[0].scrollIntoView({block: 'center'})", qr);
    String read = browser.await(d -> {
      byte[] qrScreenshot = qr.getScreenshotAs(OutputType.BYTES);
      try {
        Files.write(SCREENSHOTS.resolve("qr-as-rendered.png"), qrScreenshot);
        return QrCodes.decode(ImageIO.read(new ByteArrayInputStream(qrScreenshot)));
      } catch (IOException | AssertionError unreadable) {
        return null;
      }
    });
    assertThat(read).isEqualTo(expectedUri);
    HttpResponse<byte[]> png = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/pay/" + invoiceId + "/qr.png"))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(QrCodes.decode(png.body())).isEqualTo(expectedUri);

    HttpResponse<String> checkoutResponse = get("/pay/" + invoiceId, null);
    assertThat(checkoutResponse.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'", "style-src 'self'"));
    browser.screenshot("06-checkout-pending-desktop", Browser.DESKTOP);
    browser.screenshot("06-checkout-pending-phone", Browser.PHONE);
    browser.script("window.__sameDocument = true");

    // ---- pay it: exactly payAmount of the token to the wallet, on anvil; the node's watcher sees it
    TransactionReceipt payment = chain.transfer(token, address, payAmount.movePointRight(6).toBigIntegerExact());
    String txHash = payment.getTransactionHash();
    browser.await(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector(".status-message[data-for=CONFIRMING]")));
    assertThat(browser.find("#confirmations-text").getText()).matches("[1-5] of " + CONFIRMATIONS);
    chain.mine(2);
    browser.await(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#confirmations-text"),
        "3 of " + CONFIRMATIONS));
    browser.screenshot("07-checkout-confirming-phone", Browser.PHONE);

    chain.mine(CONFIRMATIONS - 3);
    browser.await(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".status-message[data-for=PAID]")));
    assertThat(browser.find("#pay-details").isDisplayed()).isFalse();
    assertThat(browser.script("return window.__sameDocument === true")).isEqualTo(true);
    browser.screenshot("08-checkout-paid-desktop", Browser.DESKTOP);
    browser.screenshot("08-checkout-paid-phone", Browser.PHONE);

    // ---- the dashboard tab turned PAID by itself
    browser.driver().switchTo().window(dashboardTab);
    browser.await(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#invoice-status"), "PAID"));
    assertThat(browser.script("return window.__sameDocument === true")).isEqualTo(true);
    assertThat(browser.find("#invoice-confirmations").getAttribute("value")).isEqualTo(String.valueOf(CONFIRMATIONS));
    assertThat(browser.visible("#payments-title + .table-wrap").getText().toLowerCase())
        .contains(txHash.toLowerCase(), "final");
    browser.await(d -> browser.findAll(".timeline li").size() >= 3);
    // webhook attempts (the URL refuses connections, so they fail and are retried) and a redelivery
    browser.await(d -> !browser.findAll("#deliveries-title ~ .table-wrap tbody tr").isEmpty());
    browser.click("#deliveries-title ~ .table-wrap tbody tr button");
    browser.await(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#deliveries-title + p"),
        "queued"));
    browser.screenshot("09-invoice-paid-desktop", Browser.DESKTOP);
    browser.screenshot("09-invoice-paid-phone", Browser.PHONE);

    browser.click("a[data-nav=invoices]");
    browser.await(ExpectedConditions.textToBePresentInElementLocated(
        By.cssSelector("tr[data-invoice-id='" + invoiceId + "'] .badge"), "PAID"));
    new org.openqa.selenium.support.ui.Select(browser.find("#filter-status")).selectByValue("PENDING");
    browser.click(".filters button[type=submit]");
    browser.await(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".empty"), "No invoices match"));
    new org.openqa.selenium.support.ui.Select(browser.find("#filter-status")).selectByValue("PAID");
    browser.type("#filter-order", "E2E-1");
    browser.click(".filters button[type=submit]");
    browser.visible("tr[data-invoice-id='" + invoiceId + "']");
    browser.screenshot("10-invoices-desktop", Browser.DESKTOP);
    browser.screenshot("10-invoices-phone", Browser.PHONE);

    // ---- rotate the API key: shown once, the old one refused at once
    assertThat(get("/api/v1/me", firstKey).statusCode()).isEqualTo(200);
    browser.click("a[data-nav=settings]");
    browser.click("#rotate-api-key");
    browser.click("#confirm-rotate-api-key");
    String secondKey = browser.visible("#secret-dialog-value").getText();
    assertThat(secondKey).matches("[0-9a-f]{64}").isNotEqualTo(firstKey);
    browser.screenshot("11-api-key-rotated-phone", Browser.PHONE);
    browser.click("#secret-dialog-close");
    assertThat(get("/api/v1/me", firstKey).statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/me", secondKey).statusCode()).isEqualTo(200);
    // and the dashboard, which creates invoices with the session, is not affected by the rotation
    browser.click("a[data-nav=invoices]");
    browser.type("#amount", "1");
    browser.click("#create-title + form button[type=submit]");
    browser.await(d -> d.getCurrentUrl().matches(".*#/invoices/[0-9a-f-]{36}$"));

    // ---- log out, and be refused
    browser.click("#logout");
    browser.await(d -> d.getCurrentUrl().endsWith("#/login"));
    assertThat(browser.visible(".notice").getText()).contains("logged out");
    assertThat(browser.cookies()).doesNotContainKey("jwt");
    Object me = browser.asyncScript("const done = arguments[arguments.length - 1];"
        + "fetch('/api/v1/me', {credentials: 'same-origin'}).then(r => done(r.status));");
    assertThat(((Number) me).intValue()).isEqualTo(401);
    browser.open(base + "/dashboard/#/settings");
    browser.await(d -> d.getCurrentUrl().endsWith("#/login"));

    // ---- no page broke its Content-Security-Policy or threw
    assertThat(browser.consoleMessages())
        .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Uncaught"));
  }

  private static HttpResponse<String> get(String path, String apiKey) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
