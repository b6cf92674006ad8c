package io.stablegate.engine.invoice;

import io.stablegate.engine.credit.PaymentSource;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.stablegate.engine.money.Amounts;
import java.time.Instant;
import java.util.List;

/**
 * The invoice object of docs/api.md, as the API returns it and webhooks carry it: amounts as
 * decimal strings, metadata as the merchant's JSON object; {@code redirectUrl} is null when the
 * invoice has none; {@code price}, {@code rate}, {@code rateSource} and {@code rateAt} say how a fiat
 * price became the amount (null otherwise); {@code livemode} is false for a test invoice.
 */
public record InvoiceView(
    String id,
    InvoiceStatus status,
    String chain,
    String token,
    String amount,
    String payAmount,
    String address,
    String amountPaid,
    String amountDue,
    boolean paidLate,
    boolean underpaid,
    boolean overpaid,
    String orderId,
    String description,
    @JsonRawValue String metadata,
    Instant createdAt,
    Instant expiresAt,
    String checkoutUrl,
    int requiredConfirmations,
    List<PaymentView> payments,
    String redirectUrl,
    PriceView price,
    String rate,
    String rateSource,
    Instant rateAt,
    boolean livemode) {

  /** The token of invoices that do not say one. */
  public static final String TOKEN = "USDT";

  /** The merchant's fiat price; null (with rate, rateSource, rateAt) for an invoice asked in the token. */
  public record PriceView(String amount, String currency) {}

  public record PaymentView(
      String txHash, int logIndex, String from, String amount, long blockNumber, int confirmations,
      PaymentStatus status, PaymentSource source) {}

  /** The view of {@code invoice}; {@code publicUrl} is the base of {@code checkoutUrl}. */
  public static InvoiceView of(Invoice invoice, String publicUrl) {
    PriceLock lock = invoice.priceLock();
    String base = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    return new InvoiceView(
        invoice.id().toString(),
        invoice.status(),
        invoice.chain().name(),
        invoice.terms().token().name(),
        Amounts.format(invoice.amount()),
        Amounts.format(invoice.payAmount()),
        invoice.address(),
        Amounts.format(invoice.amountPaid()),
        Amounts.format(invoice.amountDue()),
        invoice.paidLate(),
        invoice.underpaid(),
        invoice.overpaid(),
        invoice.orderId(),
        invoice.description(),
        invoice.metadataJson() == null ? "{}" : invoice.metadataJson(),
        invoice.createdAt(),
        invoice.expiresAt(),
        base + "/pay/" + invoice.id(),
        invoice.requiredConfirmations(),
        invoice.payments().stream()
            .map(p -> new PaymentView(p.txHash(), p.logIndex(), p.from(), Amounts.format(p.amount()),
                p.blockNumber(), p.confirmations(), p.status(), p.source()))
            .toList(),
        invoice.redirectUrl(),
        lock == null ? null : new PriceView(Amounts.format(lock.price().amount()), lock.price().currency()),
        lock == null ? null : Amounts.format(lock.rate()),
        lock == null ? null : lock.rateSource(),
        lock == null ? null : lock.rateAt(),
        invoice.livemode());
  }
}
