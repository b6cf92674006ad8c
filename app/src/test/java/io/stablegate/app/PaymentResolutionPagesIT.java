package io.stablegate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stablegate.app.testing.Browser;
import io.stablegate.app.testing.Merchant;
import io.stablegate.app.testing.PageTestbed;
import io.stablegate.chain.evm.EvmChain;
import io.stablegate.http.pages.QrCodes;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Payment resolution in a real browser (headless Chromium) against a whole node in this JVM with a
 * real anvil: the payer sends too little and says so with the checkout page's claim form ("waiting
 * for the merchant"; a hash that does not exist is answered in words); the merchant sets the
 * tolerance, finds the transfer with the payer's claim in the dashboard and attaches it after a
 * confirmation step; the checkout page turns to "received 40, send the rest" with the new payAmount
 * and its QR code; the payer sends exactly that and the invoice is PAID; another transfer is
 * dismissed with a note and listed under its state. Screenshots land in {@code target/screenshots/}.
 */
class PaymentResolutionPagesIT {
  private static final int CONFIRMATIONS = 3;
  private static final long ANVIL_CHAIN_ID = PageTestbed.ANVIL_CHAIN_ID;

  @RegisterExtension
  static final PageTestbed bed = PageTestbed.withEthereum(CONFIRMATIONS);
  private static final String base = bed.base();
  private static final Browser browser = bed.browser();
  private static final EvmChain chain = bed.chain();
  private static final String token = bed.token();

  @Test
  void aClaimedUnderpaymentIsAttachedThePayerSendsTheRestAndAnotherTransferIsDismissed() throws Exception {
    String wallet = EvmChain.newWallet();
    Merchant merchant = Merchant.register(base).wallet("ETHEREUM", wallet);
    JsonNode invoice = merchant.invoice("ETHEREUM", "100");
    String id = invoice.get("id").asText();
    String address = invoice.get("address").asText();

    // ---- the payer's checkout page: the claim form answers in words
    browser.open(base + "/pay/" + id);
    assertThat(browser.visible("#claim-title").getText()).isEqualTo("Paid but not shown? Enter your transaction hash");
    browser.type("#claim-tx-hash", "0x1234");
    browser.click("#claim-submit");
    assertThat(browser.visible("#claim-tx-hash-error").getText()).contains("0x followed by 64");
    browser.type("#claim-tx-hash", "0x" + randomHex());
    browser.click("#claim-submit");
    browser.await(ExpectedConditions.textToBePresentInElementLocated(By.id("claim-result"), "No transaction"));

    // the payer sends 40 of 100 (an exchange kept the rest, say) and claims it before it is final
    awaitPast(Instant.parse(invoice.get("createdAt").asText()));
    TransactionReceipt forty = chain.transfer(token, wallet, units("40"));
    browser.type("#claim-tx-hash", forty.getTransactionHash());
    browser.click("#claim-submit");
    browser.await(ExpectedConditions.textToBePresentInElementLocated(By.id("claim-result"), "waiting for the merchant"));
    browser.screenshot("20-checkout-claim-recorded-desktop", Browser.DESKTOP);
    browser.screenshot("20-checkout-claim-recorded-phone", Browser.PHONE);
    chain.mine(CONFIRMATIONS);

    // ---- the merchant: log in, set the tolerance, find the claimed transfer and attach it
    browser.open(base + "/dashboard/#/login");
    browser.type("#email", merchant.email());
    browser.type("#password", merchant.password());
    browser.click("button[type=submit]");
    browser.await(d -> d.getCurrentUrl().endsWith("#/overview"));
    browser.click("a[data-nav=settings]");
    browser.visible("#tolerance");
    browser.await(d -> new BigDecimal("0").compareTo(new BigDecimal(
        browser.find("#tolerance").getAttribute("value").isEmpty() ? "-1" : browser.find("#tolerance").getAttribute("value"))) == 0);
    browser.type("#tolerance", "11");
    browser.click("#payment-settings button[type=submit]");
    assertThat(browser.visible("#tolerance-error").getText()).contains("0 to 10");
    browser.type("#tolerance", "1.5");
    browser.click("#payment-settings button[type=submit]");
    browser.await(ExpectedConditions.textToBePresentInElementLocated(
        By.cssSelector("#payment-settings [role=status]"), "saved"));
    assertThat(merchant.json(merchant.withKey("GET", "/api/v1/settings/payments", null))
        .get("underpaymentTolerancePercent").asText()).isIn("1.5", "1.50");

    browser.click("a[data-nav=unmatched]");
    String row = "tr[data-transfer='ETHEREUM:" + forty.getTransactionHash().toLowerCase() + ":"
        + forty.getLogs().get(0).getLogIndex() + "']";
    awaitRow(row, "Claimed for");
    assertThat(browser.find(row).getText()).contains("Claimed for", id, "40");
    browser.screenshot("21-unmatched-with-claim-desktop", Browser.DESKTOP);
    browser.click(row + " .attach-button");
    WebElement suggested = browser.visible("#attach-form input[name=choice][value='" + id + "']");
    assertThat(suggested.isSelected()).as("the claimed invoice is offered first").isTrue();
    assertThat(browser.find("#attach-form").getText()).contains("claimed by the payer");
    browser.click("#attach-continue");
    assertThat(browser.visible("#resolve-confirm").getText()).contains(id, "40");
    browser.screenshot("22-attach-confirm-desktop", Browser.DESKTOP);
    assertThat(merchant.json(merchant.withKey("GET", "/api/v1/invoices/" + id, null)).get("status").asText())
        .as("nothing happens before the confirmation").isEqualTo("PENDING");
    browser.click("#confirm-attach");
    browser.await(ExpectedConditions.textToBePresentInElementLocated(By.id("resolve-outcome"), "PARTIALLY_PAID"));

    JsonNode partial = merchant.json(merchant.withKey("GET", "/api/v1/invoices/" + id, null));
    assertThat(partial.get("status").asText()).isEqualTo("PARTIALLY_PAID");
    BigDecimal rest = new BigDecimal(partial.get("payAmount").asText());
    assertThat(rest).isBetween(new BigDecimal("60"), new BigDecimal("60.01"));

    // ---- the payer's page: received 40, send the rest, with the new amount's QR code
    browser.open(base + "/pay/" + id);
    WebElement message = browser.visible(".status-message[data-for=PARTIALLY_PAID]");
    assertThat(message.getText()).contains("Received 40 USDT", "send " + rest.toPlainString() + " USDT more");
    assertThat(browser.find("#pay-amount").getText()).isEqualTo(rest.toPlainString());
    WebElement qr = browser.visible("#qr");
    assertThat(qr.getAttribute("src")).endsWith("qr.png?amount=" + rest.toPlainString());
    browser.await(d -> (Boolean) browser.script("return arguments[0].complete && arguments[0].naturalWidth > 0", qr));
    java.net.http.HttpResponse<byte[]> png = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(qr.getAttribute("src"))).build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(QrCodes.decode(png.body()))
        .isEqualTo("ethereum:" + token + "@" + ANVIL_CHAIN_ID + "/transfer?address=" + address + "&uint256="
            + units(rest.toPlainString()));
    browser.screenshot("23-checkout-partially-paid-desktop", Browser.DESKTOP);
    browser.screenshot("23-checkout-partially-paid-phone", Browser.PHONE);

    chain.transfer(token, wallet, units(rest.toPlainString()));
    chain.mine(CONFIRMATIONS);
    browser.await(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".status-message[data-for=PAID]")));
    assertThat(browser.find("#claim").isDisplayed()).as("a paid invoice offers no claim").isFalse();
    JsonNode paid = merchant.json(merchant.withKey("GET", "/api/v1/invoices/" + id, null));
    assertThat(new BigDecimal(paid.get("amountPaid").asText())).isEqualByComparingTo(rest.add(new BigDecimal("40")));

    // ---- another transfer, dismissed with a note after the confirmation step
    TransactionReceipt stray = chain.transfer(token, wallet, units("3"));
    chain.mine(CONFIRMATIONS);
    browser.open(base + "/dashboard/#/unmatched");
    String strayRow = "tr[data-transfer='ETHEREUM:" + stray.getTransactionHash().toLowerCase() + ":"
        + stray.getLogs().get(0).getLogIndex() + "']";
    awaitRow(strayRow, "Dismiss…");
    browser.click(strayRow + " .dismiss-button");
    browser.click("#dismiss-continue");
    assertThat(browser.visible("#dismiss-note-error").getText()).isNotBlank();
    browser.type("#dismiss-note", "refunded to the payer");
    browser.click("#dismiss-continue");
    assertThat(browser.visible("#resolve-confirm").getText()).contains("refunded to the payer");
    browser.click("#confirm-dismiss");
    browser.await(ExpectedConditions.textToBePresentInElementLocated(By.id("resolve-outcome"), "Dismissed"));
    new Select(browser.find("#unmatched-state")).selectByValue("dismissed");
    awaitRow(strayRow, "refunded to the payer");
    assertThat(browser.find(strayRow).getText()).contains("Dismissed", "refunded to the payer");
    browser.screenshot("24-unmatched-dismissed-desktop", Browser.DESKTOP);

    assertThat(browser.consoleMessages())
        .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Uncaught"));
  }

  /**
   * The listing is the read side's (a few seconds behind): re-applies the filters until the row is
   * there and shows {@code text}.
   */
  private static void awaitRow(String css, String text) {
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> {
          browser.click(".filters button[type=submit]");
          return browser.findAll(css).stream().anyMatch(row -> row.getText().contains(text));
        });
  }

  private static void awaitPast(Instant time) {
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> Instant.now().isAfter(time.plusMillis(1000)));
  }

  private static BigInteger units(String amount) {
    return new BigDecimal(amount).movePointRight(6).toBigIntegerExact();
  }

  private static String randomHex() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
