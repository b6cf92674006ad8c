package io.stablegate.http.payments;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** The body of {@code PUT /api/v1/settings/payments}; the value is checked as a decimal afterwards. */
public record PaymentSettingsRequest(@NotNull @Size(max = 16) String underpaymentTolerancePercent) {}
