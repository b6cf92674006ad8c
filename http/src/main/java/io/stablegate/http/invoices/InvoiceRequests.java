package io.stablegate.http.invoices;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.invoice.InvoiceView;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.money.Price;
import io.stablegate.engine.money.Token;
import io.stablegate.engine.rates.PriceConversion;
import io.stablegate.http.ApiProblem;
import io.stablegate.http.Json;
import io.stablegate.http.Problem;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** The rules of docs/api.md for a new invoice that Bean Validation cannot say alone. */
public final class InvoiceRequests {
  public static final int MAX_METADATA_BYTES = 4096;
  public static final int MAX_IDEMPOTENCY_KEY = 255;

  /**
   * A request that passed every rule that needs no database. Exactly one of {@code amount} (in the
   * token) and {@code price} (in fiat, still to be converted) is set.
   */
  public record ValidRequest(BigDecimal amount, Price price, Chain chain, Token token, String orderId,
      String description, int expiresInMinutes, String metadataJson, String redirectUrl, String fingerprint) {}

  private InvoiceRequests() {}

  public static ValidRequest check(CreateInvoiceRequest r, int defaultExpiresInMinutes, boolean production) {
    List<Problem.FieldError> errors = new ArrayList<>();
    BigDecimal amount = null;
    Price price = null;
    if (r.amount() != null && r.price() != null) {
      errors.add(new Problem.FieldError("price", "give either amount or price, not both"));
    } else if (r.amount() == null && r.price() == null) {
      errors.add(new Problem.FieldError("amount", "is required unless price is given"));
    } else if (r.amount() != null) {
      amount = Amounts.parse(r.amount());
      checkRange(amount, "amount", errors);
    } else {
      BigDecimal priceAmount = Amounts.parse(r.price().amount());
      if (priceAmount.signum() <= 0) {
        errors.add(new Problem.FieldError("price.amount", "must be greater than 0"));
      }
      if (!Price.isCurrencyCode(r.price().currency())) {
        errors.add(new Problem.FieldError("price.currency", "must be an ISO 4217 currency code, like \"EUR\""));
      }
      price = new Price(priceAmount, r.price().currency());
    }
    Chain chain = Chain.parse(r.chain()).orElse(null);
    if (chain == null) {
      errors.add(new Problem.FieldError("chain", "must be one of " + Arrays.toString(Chain.values())));
    }
    Token token = r.token() == null ? Token.USDT : Token.parse(r.token()).orElse(null);
    if (token == null) {
      errors.add(new Problem.FieldError("token", "must be one of " + Arrays.toString(Token.values())));
    }
    String metadataJson = null;
    if (r.metadata() != null) {
      metadataJson = write(r.metadata());
      if (metadataJson.getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_BYTES) {
        errors.add(new Problem.FieldError("metadata", "must be at most 4 KiB of JSON"));
      }
    }
    if (r.redirectUrl() != null) {
      RedirectUrls.refusal(r.redirectUrl(), production).ifPresent(errors::add);
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.fields(errors);
    }
    int minutes = r.expiresInMinutes() == null ? defaultExpiresInMinutes : r.expiresInMinutes();
    return new ValidRequest(amount, price, chain, token, r.orderId(), r.description(), minutes, metadataJson,
        r.redirectUrl(), fingerprint(r));
  }

  /**
   * The token amount of a priced request, converted at {@code rate}: the same range rules as a
   * given amount, reported on {@code price.amount}.
   */
  public static BigDecimal checkConverted(Price price, BigDecimal rate) {
    BigDecimal amount = PriceConversion.tokenAmount(price.amount(), rate);
    List<Problem.FieldError> errors = new ArrayList<>();
    checkRange(amount, "price.amount", errors);
    if (!errors.isEmpty()) {
      Problem.FieldError e = errors.get(0);
      throw ApiProblem.field(e.field(), e.message() + " " + InvoiceView.TOKEN + " once converted; "
          + Amounts.format(price.amount()) + " " + price.currency() + " at " + rate.toPlainString() + " is "
          + Amounts.format(amount) + " " + InvoiceView.TOKEN);
    }
    return amount;
  }

  private static void checkRange(BigDecimal amount, String field, List<Problem.FieldError> errors) {
    if (amount.signum() <= 0) {
      errors.add(new Problem.FieldError(field, "must be greater than 0"));
    } else if (amount.compareTo(Amounts.MAX_INVOICE_AMOUNT) > 0) {
      errors.add(new Problem.FieldError(field, "must be at most 1000000"));
    }
  }

  /** {@code Idempotency-Key}: 1–255 printable ASCII characters. */
  public static String checkIdempotencyKey(String key) {
    if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw ApiProblem.field("Idempotency-Key", "must be 1 to 255 printable ASCII characters");
    }
    return key;
  }

  /** SHA-256 of the request as parsed: "the same body" for Idempotency-Key, whatever its whitespace. */
  static String fingerprint(CreateInvoiceRequest r) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(Json.MAPPER.writeValueAsBytes(r)));
    } catch (NoSuchAlgorithmException | JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String write(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw ApiProblem.field("metadata", "is not valid JSON");
    }
  }
}
