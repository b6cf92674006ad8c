package io.stablegate.http.pages;

import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.Payment;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Token;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.text.NumberFormat;
import java.time.format.FormatStyle;
import java.util.HashMap;
import java.util.Locale;
import java.util.TreeMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The payer's page, rendered on the server so that the amount, address, network and QR code are
 * there without JavaScript; {@code checkout.js} then adds copy buttons, the countdown and live
 * status. It shows only what the payer needs: nothing of the merchant's order, description or
 * metadata.
 */
public final class CheckoutPage {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-zA-Z][a-zA-Z._]*)}}");
  private static final DateTimeFormatter EXPIRY =
      DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final String template;
  private final String assetsBase;
  private final int qrPixelsPerModule;
  private final CheckoutStrings strings;

  public CheckoutPage(StaticAssets assets, int qrPixelsPerModule) {
    this.template = StaticAssets.text("web/checkout.html");
    this.strings = CheckoutStrings.load();
    this.assetsBase = assets.base();
    this.qrPixelsPerModule = qrPixelsPerModule;
  }

  /** What the page shows as the state: PAID_LATE stands apart from PAID so the payer is told. */
  static String displayState(InvoiceStatus status, boolean paidLate) {
    return status == InvoiceStatus.PAID && paidLate ? "PAID_LATE" : status.name();
  }

  /** The checkout page offers "Return to the shop" once the invoice is paid, expired or cancelled. */
  static boolean offersReturn(InvoiceStatus status) {
    return status == InvoiceStatus.PAID || status == InvoiceStatus.EXPIRED || status == InvoiceStatus.CANCELLED;
  }

  public String render(Invoice invoice, PaymentToken token) {
    return render(invoice, token, null, CheckoutLanguage.EN);
  }

  /** {@code merchantName} (the shop's display name, or null) is shown as text, escaped like every value. */
  public String render(Invoice invoice, PaymentToken token, String merchantName, CheckoutLanguage language) {
    String payAmount = Amounts.format(invoice.payAmount());
    String uri = PaymentUri.of(token, invoice.address(), invoice.payAmount());
    int confirmations = invoice.payments().stream().mapToInt(Payment::confirmations).max().orElse(0);
    int required = invoice.requiredConfirmations();
    String state = displayState(invoice.status(), invoice.paidLate());
    boolean open = invoice.status().isOpen();
    boolean showProgress = invoice.status() == InvoiceStatus.CONFIRMING || invoice.status() == InvoiceStatus.PAID;
    Locale locale = language.locale();
    NumberFormat integers = NumberFormat.getIntegerInstance(locale);
    String expiresAtText = language == CheckoutLanguage.EN ? EXPIRY.format(invoice.expiresAt())
        : DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT).withLocale(locale)
            .withZone(ZoneOffset.UTC).format(invoice.expiresAt()) + " UTC";

    Map<String, String> values = new HashMap<>();
    values.put("assets", assetsBase);
    values.put("id", invoice.id().toString());
    values.put("lang", language.code());
    values.put("merchantName", merchantName == null ? "" : merchantName);
    values.put("hidden.merchant", merchantName == null ? "hidden" : "");
    // a test invoice (test mode) says so: a payer must not send real funds to it
    values.put("hidden.test", invoice.livemode() ? "hidden" : "");
    values.put("status", invoice.status().name());
    values.put("statusClass", state.toLowerCase(Locale.ROOT).replace('_', '-'));
    values.put("paidLate", Boolean.toString(invoice.paidLate()));
    values.put("network", token.networkName());
    values.put("token", invoice.token().name());
    values.put("payAmount", payAmount);
    values.put("address", invoice.address());
    values.put("expiresAt", invoice.expiresAt().toString());
    values.put("required", Integer.toString(required));
    values.put("confirmations", Integer.toString(Math.min(confirmations, required)));
    values.put("qrSize", Integer.toString(qrSizePixels(uri)));

    // The page's strings in the payer's language: as text ("t."), or with their values as markup ("r.").
    // Amounts are never formatted for the language: the payer copies their exact digits into a wallet.
    Map<String, String> text = inToken(strings.of(language), invoice.token());
    Map<String, String> plain = Map.of("amount", payAmount, "network", token.networkName(), "uri", uri,
        "done", integers.format(Math.min(confirmations, required)), "required", integers.format(required));
    Map<String, String> markup = Map.of(
        "amount", "<span class=\"pay-amount-text\">" + Html.escape(payAmount) + "</span>",
        "paid", "<strong id=\"amount-paid\">" + Html.escape(Amounts.format(invoice.amountPaid())) + "</strong>",
        "network", Html.escape(token.networkName()),
        "time", "<time id=\"expires-at\" datetime=\"" + Html.escape(invoice.expiresAt().toString()) + "\">"
            + Html.escape(expiresAtText) + "</time>");
    Map<String, String> script = new TreeMap<>();
    text.forEach((key, value) -> {
      values.put("t." + key, CheckoutStrings.fill(value, plain, false));
      values.put("r." + key, CheckoutStrings.fill(value, markup, true));
      if (key.startsWith("js.")) {
        script.put(key.substring(3), value);
      }
    });
    // the page's own strings that the script rewrites as the invoice changes
    script.put("title", text.get("title"));
    script.put("confirmationsOf", text.get("confirmationsOf"));
    script.put("lang", language.code());
    values.put("jsStrings", json(script));
    values.put("html.switcher", switcher(language, text.get("language")));
    boolean evm = token.chain().isEvm();
    values.put("qrCaption", text.get(evm ? "qr.evm" : "qr.tron"));
    values.put("claimPlaceholder", text.get(evm ? "claim.placeholder.evm" : "claim.placeholder.tron"));
    values.put("claimHint", CheckoutStrings.fill(text.get(evm ? "claim.hint.evm" : "claim.hint.tron"), plain, false));
    for (String s : new String[] {"PENDING", "CONFIRMING", "PARTIALLY_PAID", "PAID", "PAID_LATE", "EXPIRED",
        "CANCELLED"}) {
      values.put("hidden." + s, s.equals(state) ? "" : "hidden");
    }
    values.put("hidden.progress", showProgress ? "" : "hidden");
    values.put("hidden.details", open ? "" : "hidden");
    // A payer whose transfer is not shown may say so, unless the invoice is paid.
    values.put("hidden.claim", invoice.status() == InvoiceStatus.PAID ? "hidden" : "");
    // the way back to the shop, once there is nothing left to do here (validated at creation: http(s) only)
    String redirectUrl = invoice.redirectUrl();
    values.put("redirectUrl", redirectUrl == null ? "" : redirectUrl);
    values.put("hidden.return", redirectUrl != null && offersReturn(invoice.status()) ? "" : "hidden");

    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder(template.length() + 512);
    while (m.find()) {
      String name = m.group(1);
      String value = values.get(name);
      if (value == null) {
        throw new IllegalStateException("checkout.html uses an unknown placeholder " + m.group());
      }
      boolean raw = name.startsWith("hidden.") || name.startsWith("r.") || name.startsWith("html.");
      m.appendReplacement(out, Matcher.quoteReplacement(raw ? value : Html.escape(value)));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Links to this page in every language, the current one marked; each name in its own language. */
  private static String switcher(CheckoutLanguage current, String label) {
    StringBuilder nav = new StringBuilder("<nav class=\"language-switcher\" id=\"language-switcher\" aria-label=\"")
        .append(Html.escape(label)).append("\">");
    for (CheckoutLanguage language : CheckoutLanguage.values()) {
      nav.append("<a href=\"?lang=").append(language.code()).append("\" hreflang=\"").append(language.code())
          .append("\" lang=\"").append(language.code()).append("\" data-lang=\"").append(language.code()).append('"')
          .append(language == current ? " aria-current=\"true\"" : "").append('>')
          .append(Html.escape(language.nativeName())).append("</a>");
    }
    return nav.append("</nav>").toString();
  }

  private static String json(Map<String, String> map) {
    try {
      return JSON.writeValueAsString(map);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The PNG's side in pixels, so the page reserves its space before the image arrives. */
  private int qrSizePixels(String uri) {
    return QrCode.sideModules(uri) * qrPixelsPerModule;
  }

  /**
   * The strings name the token as "USDT" in every language; an invoice in another token names its own
   * (token names are not translated).
   */
  static Map<String, String> inToken(Map<String, String> text, Token token) {
    if (token == Token.USDT) {
      return text;
    }
    Map<String, String> named = new HashMap<>();
    text.forEach((key, value) -> named.put(key, value.replaceAll("\\bUSDT\\b", token.name())));
    return named;
  }
}
