package io.stablegate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stablegate.app.testing.Browser;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.Observation;
import io.stablegate.engine.payment.PaymentMatcher;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.persistence.testing.Invoices;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The merchant experience in headless Chromium against a node on loopback: the dashboard's overview
 * (totals, the SVG chart, the "needs you" cards) over invoices created and paid, the shop's name on
 * the checkout page shown as text whatever it holds, and the checkout in each of its languages (a
 * string of the language, {@code <html lang>}, the amount's digits unchanged, the countdown running)
 * with its switcher. No page may log a console error (a CSP violation would be one).
 */
class MerchantExperienceIT {
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  /** A known string of each language: the checkout's heading. */
  private static final Map<String, String> HEADINGS = new LinkedHashMap<>();

  static {
    HEADINGS.put("en", "Pay with USDT");
    HEADINGS.put("zh", "使用 USDT 支付");
    HEADINGS.put("ru", "Оплата в USDT");
    HEADINGS.put("es", "Paga con USDT");
    HEADINGS.put("pt", "Pague com USDT");
    HEADINGS.put("tr", "USDT ile öde");
    HEADINGS.put("vi", "Thanh toán bằng USDT");
  }

  @TempDir static Path temp;

  private static ApiTestServer server;
  private static ApiClient merchant;
  private static Browser browser;
  private static String base;
  private static BigDecimal paidToday = BigDecimal.ZERO;
  private static String openInvoiceId;
  private static String openPayAmount;

  @BeforeAll
  static void start() throws Exception {
    server = new ApiTestServer();
    base = server.baseUrl();
    merchant = server.client().signUp();
    assertThat(merchant.withSession("PUT", "/api/v1/wallets/ETHEREUM",
        Map.of("address", Invoices.randomEvmWallet())).status()).isEqualTo(200);
    PaymentMatcher matcher = new PaymentMatcher(server.node().system());
    for (int i = 0; i < 3; i++) {
      Invoice invoice = create("12.34567" + i);
      if (i < 2) {
        pay(matcher, invoice, i + 1);
        paidToday = paidToday.add(invoice.payAmount());
      } else {
        openInvoiceId = invoice.id().toString();
        openPayAmount = Amounts.format(invoice.payAmount());
      }
    }
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
        merchant.withKey("GET", "/api/v1/invoices?status=PAID", null).json().get("items").size() == 2);
    browser = Browser.start(temp.resolve("chromium-profile"), SCREENSHOTS);
  }

  private static Invoice create(String amount) throws Exception {
    Answer answer = merchant.withKey("POST", "/api/v1/invoices", Map.of("amount", amount, "chain", "ETHEREUM"));
    assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    return server.node().invoices().get(UUID.fromString(answer.json().get("id").asText())).toCompletableFuture().get();
  }

  private static void pay(PaymentMatcher matcher, Invoice invoice, int n) throws Exception {
    Transfer transfer = new Transfer(Chain.ETHEREUM, "0x" + String.format("%064x", n), 0, Invoices.randomEvmWallet(),
        invoice.address(), invoice.payAmount(), 100 + n, "0x" + "cd".repeat(32), Instant.now());
    assertThat(matcher.observeAll(List.of(transfer), t -> 1).toCompletableFuture().get()).singleElement()
        .isInstanceOf(Observation.Recorded.class);
    matcher.confirm(invoice.id(), transfer.key(), invoice.requiredConfirmations()).toCompletableFuture().get();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static List<String> consoleErrors() {
    return browser.driver().manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(e -> e.getMessage()).toList();
  }

  @Test
  void theOverviewShowsTotalsTheChartAndWhatNeedsTheMerchant() {
    browser.open(base + "/dashboard/#/login");
    browser.type("#email", merchant.email());
    browser.type("#password", merchant.password());
    browser.click("form button[type=submit]");
    browser.await(ExpectedConditions.urlContains("#/overview"));
    browser.visible("#paid-chart");
    assertThat(browser.findAll("#paid-chart rect.chart-bar")).hasSize(30);
    // today's bar (the last) carries the exact figures and has a height; the days before have none
    String today = browser.findAll("#paid-chart rect.chart-bar").get(29).findElement(By.tagName("title"))
        .getAttribute("textContent");
    assertThat(today).contains(paidToday.toPlainString() + " paid", "2 invoices");
    assertThat(Double.parseDouble(browser.findAll("#paid-chart rect.chart-bar").get(29).getAttribute("height")))
        .isPositive();
    assertThat(browser.find("#paid-chart polyline.chart-line").getAttribute("points")).isNotBlank();
    assertThat(browser.find("#stats-today .stat-paid").getText()).isEqualTo("2");
    assertThat(browser.find("#stats-today .stat-created").getText()).isEqualTo("3");
    assertThat(browser.find("#stats-30d .stat-paid-amount").getText()).contains(paidToday.toPlainString() + " USDT");
    assertThat(browser.find("#needs-unmatched .needs-count").getText()).isEqualTo("0");
    assertThat(browser.find("#needs-partial").getAttribute("href")).endsWith("#/invoices?status=PARTIALLY_PAID");
    assertThat(browser.find("#needs-webhooks").getAttribute("href")).endsWith("#/settings");
    browser.screenshot("40-overview-desktop", Browser.DESKTOP);
    browser.screenshot("40-overview-phone", Browser.PHONE);

    browser.click("#needs-partial");
    browser.await(ExpectedConditions.urlContains("#/invoices?status=PARTIALLY_PAID"));
    assertThat(browser.visible("#filter-status").getAttribute("value")).isEqualTo("PARTIALLY_PAID");
    assertThat(consoleErrors()).isEmpty();
  }

  @Test
  void theShopsNameIsShownAsTextOnTheCheckout() throws Exception {
    String name = "<img src=x onerror=alert(1)> Café «Lumière» & 商店";
    Answer put = merchant.withSession("PUT", "/api/v1/profile", Map.of("displayName", "  " + name + " "));
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(put.json().get("displayName").asText()).isEqualTo(name);
    assertThat(merchant.withKey("GET", "/api/v1/profile", null).json().get("displayName").asText()).isEqualTo(name);
    JsonNode publicView = server.client().send("GET", "/api/v1/public/invoices/" + openInvoiceId, null, Map.of()).json();
    assertThat(publicView.get("merchantName").asText()).isEqualTo(name);

    browser.open(base + "/pay/" + openInvoiceId);
    assertThat(browser.visible("#merchant-name").getText()).isEqualTo(name);
    assertThat(browser.findAll("#merchant-name *")).isEmpty();
    assertThat(browser.findAll("img[src='x']")).isEmpty();
    assertThat(browser.driver().getPageSource()).contains("&lt;img src=x onerror=alert(1)&gt;");
    browser.screenshot("41-checkout-shop-name-desktop", Browser.DESKTOP);
    assertThat(consoleErrors()).isEmpty();
  }

  @Test
  void theCheckoutSpeaksEachLanguageAndKeepsTheAmountsDigits() {
    for (var language : HEADINGS.entrySet()) {
      browser.open(base + "/pay/" + openInvoiceId + "?lang=" + language.getKey());
      assertThat(browser.visible("h1").getText()).as(language.getKey()).isEqualTo(language.getValue());
      assertThat(browser.find("html").getAttribute("lang")).isEqualTo(language.getKey());
      assertThat(browser.findAll(".pay-amount-text")).isNotEmpty()
          .allSatisfy(amount -> assertThat(amount.getAttribute("textContent")).isEqualTo(openPayAmount));
      assertThat(browser.find("#pay-amount").getText()).isEqualTo(openPayAmount);
      assertThat(browser.find(".copy-button[data-copy-label=amount]").getAttribute("data-copy"))
          .isEqualTo(openPayAmount);
      assertThat(browser.find("#language-switcher a[aria-current]").getAttribute("data-lang"))
          .isEqualTo(language.getKey());
      // the countdown runs, in the language's words
      browser.await(d -> !browser.find("#countdown-left").getText().isBlank());
      assertThat(browser.find("#countdown-left").getText()).containsPattern("\\d{1,2}:\\d{2}");
      // the strings the script rewrites as the invoice changes are the page's, in its language
      assertThat((String) browser.script("const t = JSON.parse(document.getElementById('checkout').dataset.strings);"
          + " return t.confirmationsOf + '|' + t.title + '|' + t.left"))
          .doesNotContain("undefined").contains("{done}", "{required}", "{amount}", "{time}");
      browser.screenshot("42-checkout-" + language.getKey() + "-phone", Browser.PHONE);
    }
    // the switcher changes the language
    browser.open(base + "/pay/" + openInvoiceId + "?lang=en");
    browser.click("#language-switcher a[data-lang=ru]");
    browser.await(ExpectedConditions.attributeToBe(By.tagName("html"), "lang", "ru"));
    assertThat(browser.visible("h1").getText()).isEqualTo(HEADINGS.get("ru"));
    assertThat(consoleErrors()).isEmpty();
  }

  @Test
  void acceptLanguageChoosesTheLanguageAndAnUnknownLangIsRefused() {
    ApiClient anyone = server.client();
    Answer portuguese = anyone.send("GET", "/pay/" + openInvoiceId, null,
        Map.of("Accept-Language", "fr-FR, pt-BR;q=0.8, en;q=0.5"));
    assertThat(portuguese.status()).isEqualTo(200);
    assertThat(portuguese.body()).contains("<html lang=\"pt\">", HEADINGS.get("pt"));
    assertThat(portuguese.header("Vary")).hasValueSatisfying(v -> assertThat(v).contains("Accept-Language"));
    Answer chinese = anyone.send("GET", "/pay/" + openInvoiceId, null, Map.of("Accept-Language", "zh-CN"));
    assertThat(chinese.body()).contains("<html lang=\"zh\">", HEADINGS.get("zh"));
    Answer fallback = anyone.send("GET", "/pay/" + openInvoiceId, null, Map.of("Accept-Language", "de-DE"));
    assertThat(fallback.body()).contains("<html lang=\"en\">");
    Answer override = anyone.send("GET", "/pay/" + openInvoiceId + "?lang=tr", null, Map.of("Accept-Language", "ru"));
    assertThat(override.body()).contains("<html lang=\"tr\">", HEADINGS.get("tr"));
    Answer unknown = anyone.send("GET", "/pay/" + openInvoiceId + "?lang=klingon", null, Map.of());
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.errorFields()).containsExactly("lang");
  }
}
