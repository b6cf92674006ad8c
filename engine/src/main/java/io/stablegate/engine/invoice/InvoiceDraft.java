package io.stablegate.engine.invoice;

import io.stablegate.engine.money.Chain;
import io.stablegate.engine.serialization.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * Everything a new invoice is made of, already validated and with its payAmount allocated by the
 * wallet ledger. {@code metadataJson} is the merchant's metadata object as compact JSON text;
 * {@code priceLock} is null unless the invoice was priced in fiat.
 */
public record InvoiceDraft(
    UUID merchantId,
    Chain chain,
    String address,
    BigDecimal amount,
    BigDecimal payAmount,
    String orderId,
    String description,
    String metadataJson,
    Instant expiresAt,
    int requiredConfirmations,
    PriceLock priceLock)
    implements CborSerializable {

  /** A draft of an invoice asked in the token: no price lock. */
  public InvoiceDraft(UUID merchantId, Chain chain, String address, BigDecimal amount, BigDecimal payAmount,
      String orderId, String description, String metadataJson, Instant expiresAt, int requiredConfirmations) {
    this(merchantId, chain, address, amount, payAmount, orderId, description, metadataJson, expiresAt,
        requiredConfirmations, null);
  }
}
