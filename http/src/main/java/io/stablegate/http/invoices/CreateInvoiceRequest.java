package io.stablegate.http.invoices;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /api/v1/invoices}. {@code amount} is a decimal string (never a JSON number):
 * plain digits, at most 6 decimals, no sign or exponent; its range and the chain's wallet are checked
 * by {@link InvoiceRequests}; {@code redirectUrl} (optional) by {@link RedirectUrls}.
 */
public record CreateInvoiceRequest(
    @NotNull
    @Pattern(regexp = "(0|[1-9][0-9]{0,15})(\\.[0-9]{1,6})?",
        message = "must be a decimal string with at most 6 decimals, like \"10.5\"")
    String amount,
    @NotNull String chain,
    @Size(max = 128) String orderId,
    @Size(max = 500) String description,
    @Min(1) @Max(10080) Integer expiresInMinutes,
    ObjectNode metadata,
    // left out of the request fingerprint when absent, so Idempotency-Key retries of requests sent before
    // the field existed still match
    @JsonInclude(JsonInclude.Include.NON_NULL) String redirectUrl) {}
