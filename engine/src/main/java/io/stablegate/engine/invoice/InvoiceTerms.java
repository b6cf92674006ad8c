package io.stablegate.engine.invoice;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Price;
import io.stablegate.engine.money.Token;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * What a merchant asks an invoice to be, validated: the one list of an invoice's terms, which never
 * change after creation. {@link InvoiceDraft} adds what the engine decides (the payAmount, the
 * confirmations), {@link Invoice} what happens to it. {@code metadataJson} is the merchant's
 * metadata object as compact JSON text; {@code redirectUrl} (optional, null when none) is where the
 * checkout page sends the payer back to once the invoice is over. An invoice priced in fiat also
 * carries its {@code price}, the {@code rate} (currency per one token) from {@code rateSource} fetched
 * at {@code rateAt}, and {@code amount} = price / rate rounded up to 2 decimals; the four are null
 * otherwise. {@code token} is the stablecoin asked for (USDT unless said). {@code testMode} marks an
 * invoice created with the merchant's test API key: chain transfers never pay it, only simulated ones
 * (docs/api.md, test mode); false for every invoice written before test mode existed.
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
    Instant expiresAt,
    String redirectUrl,
    Price price,
    BigDecimal rate,
    String rateSource,
    Instant rateAt,
    Token token,
    boolean testMode) {

  /** Terms written before tokens were a term (null) are USDT terms. */
  public InvoiceTerms {
    token = token == null ? Token.USDT : token;
  }

  /** The terms of an invoice asked in USDT: no price, no rate, no redirect URL. */
  public InvoiceTerms(UUID merchantId, Chain chain, String address, BigDecimal amount, String orderId,
      String description, String metadataJson, Instant expiresAt) {
    this(merchantId, chain, address, amount, orderId, description, metadataJson, expiresAt, null, null,
        Token.USDT);
  }

  /**
   * The terms of a live invoice in {@code token}, priced in fiat when {@code lock} is set, with the
   * shop's {@code redirectUrl} when not null.
   */
  public InvoiceTerms(UUID merchantId, Chain chain, String address, BigDecimal amount, String orderId,
      String description, String metadataJson, Instant expiresAt, String redirectUrl, PriceLock lock, Token token) {
    this(merchantId, chain, address, amount, orderId, description, metadataJson, expiresAt, redirectUrl, lock, token,
        false);
  }

  /** As above, a test invoice when {@code testMode}. */
  public InvoiceTerms(UUID merchantId, Chain chain, String address, BigDecimal amount, String orderId,
      String description, String metadataJson, Instant expiresAt, String redirectUrl, PriceLock lock, Token token,
      boolean testMode) {
    this(merchantId, chain, address, amount, orderId, description, metadataJson, expiresAt, redirectUrl,
        lock == null ? null : lock.price(), lock == null ? null : lock.rate(),
        lock == null ? null : lock.rateSource(), lock == null ? null : lock.rateAt(), token, testMode);
  }

  /** Whether this is a live invoice (the API's {@code livemode}): the opposite of {@link #testMode}. */
  @JsonIgnore
  public boolean livemode() {
    return !testMode;
  }

  /** How a fiat price became {@code amount}; null for an invoice asked in the token. */
  @JsonIgnore
  public PriceLock priceLock() {
    return price == null ? null : new PriceLock(price, rate, rateSource, rateAt);
  }
}
