package io.stablegate.http.webhooksettings;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The body of {@code PUT /api/v1/webhook}. */
public record WebhookUrlRequest(@NotBlank @Size(max = 2048) String url) {}
