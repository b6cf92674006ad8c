package io.stablegate.http.payments;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /api/v1/unmatched-transfers/dismiss}; the note says why (e.g. "refunded to the payer"). */
public record DismissRequest(
    @NotBlank @Size(max = 16) String chain,
    @NotBlank @Size(max = 128) String txHash,
    @NotNull @Min(0) @Max(Integer.MAX_VALUE) Integer logIndex,
    @NotNull @Size(max = 500) String note) {}
