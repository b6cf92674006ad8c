package io.stablegate.http.invoices;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.money.Chain;
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

  /** A request that passed every rule that needs no database. */
  public record ValidRequest(BigDecimal amount, Chain chain, String orderId, String description,
      int expiresInMinutes, String metadataJson, String fingerprint) {}

  private InvoiceRequests() {}

  public static ValidRequest check(CreateInvoiceRequest r, int defaultExpiresInMinutes) {
    List<Problem.FieldError> errors = new ArrayList<>();
    BigDecimal amount = Amounts.parse(r.amount());
    if (amount.signum() <= 0) {
      errors.add(new Problem.FieldError("amount", "must be greater than 0"));
    } else if (amount.compareTo(Amounts.MAX_INVOICE_AMOUNT) > 0) {
      errors.add(new Problem.FieldError("amount", "must be at most 1000000"));
    }
    Chain chain = Chain.parse(r.chain()).orElse(null);
    if (chain == null) {
      errors.add(new Problem.FieldError("chain", "must be one of " + Arrays.toString(Chain.values())));
    }
    String metadataJson = null;
    if (r.metadata() != null) {
      metadataJson = write(r.metadata());
      if (metadataJson.getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_BYTES) {
        errors.add(new Problem.FieldError("metadata", "must be at most 4 KiB of JSON"));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.fields(errors);
    }
    int minutes = r.expiresInMinutes() == null ? defaultExpiresInMinutes : r.expiresInMinutes();
    return new ValidRequest(amount, chain, r.orderId(), r.description(), minutes, metadataJson, fingerprint(r));
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
