package io.stablegate.http.invoices;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /api/v1/invoices}. Exactly one of {@code amount} (in the token) and
 * {@code price} (in a fiat currency, converted at the node's current rate) is given. Amounts are
 * decimal strings (never JSON numbers): plain digits, at most 6 decimals, no sign or exponent; their
 * range, the currency, "exactly one" and the chain's wallet are checked by {@link InvoiceRequests}.
 * {@code token} is {@code USDT} (the default) or {@code USDC}, where the chain serves it;
 * {@code redirectUrl} (optional) is checked by {@link RedirectUrls}. Optional fields are left out of
 * the request fingerprint when absent, so Idempotency-Key retries of requests sent before a field
 * existed still match.
 */
public record CreateInvoiceRequest(
    @Pattern(regexp = DECIMAL, message = DECIMAL_MESSAGE)
    String amount,
    @JsonInclude(JsonInclude.Include.NON_NULL) @Valid PriceRequest price,
    @NotNull String chain,
    @JsonInclude(JsonInclude.Include.NON_NULL) String token,
    @Size(max = 128) String orderId,
    @Size(max = 500) String description,
    @Min(1) @Max(10080) Integer expiresInMinutes,
    ObjectNode metadata,
    @JsonInclude(JsonInclude.Include.NON_NULL) String redirectUrl) {

  static final String DECIMAL = "(0|[1-9][0-9]{0,15})(\\.[0-9]{1,6})?";
  static final String DECIMAL_MESSAGE = "must be a decimal string with at most 6 decimals, like \"10.5\"";

  /** {@code price}: {@code amount} of the ISO 4217 {@code currency}. */
  public record PriceRequest(
      @NotNull @Pattern(regexp = DECIMAL, message = DECIMAL_MESSAGE) String amount,
      @NotNull String currency) {}
}
