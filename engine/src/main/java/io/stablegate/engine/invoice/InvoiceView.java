package io.stablegate.engine.invoice;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.stablegate.engine.money.Amounts;
import java.time.Instant;
import java.util.List;

/**
 * The invoice object of docs/api.md, as the API returns it and webhooks carry it: amounts as
 * decimal strings, metadata as the merchant's JSON object.
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
    boolean paidLate,
    String orderId,
    String description,
    @JsonRawValue String metadata,
    Instant createdAt,
    Instant expiresAt,
    String checkoutUrl,
    int requiredConfirmations,
    List<PaymentView> payments) {

  public static final String TOKEN = "USDT";

  public record PaymentView(
      String txHash, int logIndex, String from, String amount, long blockNumber, int confirmations,
      PaymentStatus status) {}

  /** The view of {@code invoice}; {@code publicUrl} is the base of {@code checkoutUrl}. */
  public static InvoiceView of(Invoice invoice, String publicUrl) {
    String base = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    return new InvoiceView(
        invoice.id().toString(),
        invoice.status(),
        invoice.chain().name(),
        TOKEN,
        Amounts.format(invoice.amount()),
        Amounts.format(invoice.payAmount()),
        invoice.address(),
        Amounts.format(invoice.amountPaid()),
        invoice.paidLate(),
        invoice.orderId(),
        invoice.description(),
        invoice.metadataJson() == null ? "{}" : invoice.metadataJson(),
        invoice.createdAt(),
        invoice.expiresAt(),
        base + "/pay/" + invoice.id(),
        invoice.requiredConfirmations(),
        invoice.payments().stream()
            .map(p -> new PaymentView(p.txHash(), p.logIndex(), p.from(), Amounts.format(p.amount()),
                p.blockNumber(), p.confirmations(), p.status()))
            .toList());
  }
}
