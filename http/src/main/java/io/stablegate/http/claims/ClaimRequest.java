package io.stablegate.http.claims;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /api/v1/public/invoices/{id}/claims}; the hash is checked for the invoice's chain afterwards. */
public record ClaimRequest(@NotBlank @Size(max = 128) String txHash) {}
