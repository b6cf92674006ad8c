package io.stablegate.engine.invoice;

import io.stablegate.engine.money.Chain;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * What a merchant asks an invoice to be, validated: the one list of an invoice's terms, which never
 * change after creation. {@link InvoiceDraft} adds what the engine decides (the payAmount, the
 * confirmations), {@link Invoice} what happens to it. {@code metadataJson} is the merchant's
 * metadata object as compact JSON text.
 *
 * <p>{@link InvoiceEvent.InvoiceCreated} keeps these fields flat, as they have been journaled and
 * hashed since the first version; it converts to and from a draft.
 */
public record InvoiceTerms(
    UUID merchantId,
    Chain chain,
    String address,
    BigDecimal amount,
    String orderId,
    String description,
    String metadataJson,
    Instant expiresAt) {}
