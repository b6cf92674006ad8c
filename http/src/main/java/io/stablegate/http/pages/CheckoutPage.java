package io.stablegate.http.pages;

import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.engine.invoice.Payment;
import io.stablegate.engine.money.Amounts;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
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
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-zA-Z.]+|hidden\\.[A-Za-z_]+)}}");
  private static final DateTimeFormatter EXPIRY =
      DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final String template;
  private final String assetsBase;
  private final int qrPixelsPerModule;

  public CheckoutPage(StaticAssets assets, int qrPixelsPerModule) {
    this.template = StaticAssets.text("web/checkout.html");
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

    Map<String, String> values = new HashMap<>();
    values.put("assets", assetsBase);
    values.put("id", invoice.id().toString());
    values.put("lang", language.code());
    values.put("merchantName", merchantName == null ? "" : merchantName);
    values.put("hidden.merchant", merchantName == null ? "hidden" : "");
    values.put("status", invoice.status().name());
    values.put("statusClass", state.toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    values.put("paidLate", Boolean.toString(invoice.paidLate()));
    values.put("network", token.networkName());
    values.put("payAmount", payAmount);
    values.put("amountPaid", Amounts.format(invoice.amountPaid()));
    values.put("address", invoice.address());
    values.put("expiresAt", invoice.expiresAt().toString());
    values.put("expiresAtText", EXPIRY.format(invoice.expiresAt()));
    values.put("required", Integer.toString(required));
    values.put("confirmations", Integer.toString(Math.min(confirmations, required)));
    values.put("qrSize", Integer.toString(qrSizePixels(uri)));
    values.put("qrAlt", uri);
    values.put("qrCaption", token.chain().isEvm()
        ? "Scan with your wallet app: it fills in the token, network, address and exact amount."
        : "Scan the address with your wallet app, then enter the exact amount above.");
    values.put("claimPlaceholder", token.chain().isEvm() ? "0x… (66 characters)" : "64 hexadecimal characters");
    values.put("claimHint", token.chain().isEvm()
        ? "The hash of your transfer on " + token.networkName() + ": 0x followed by 64 hexadecimal characters."
        : "The transaction id of your transfer on " + token.networkName() + ": 64 hexadecimal characters.");
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
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalStateException("checkout.html uses an unknown placeholder " + m.group());
      }
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1).startsWith("hidden.") ? value : Html.escape(value)));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The PNG's side in pixels, so the page reserves its space before the image arrives. */
  private int qrSizePixels(String uri) {
    return QrCode.sideModules(uri) * qrPixelsPerModule;
  }
}
