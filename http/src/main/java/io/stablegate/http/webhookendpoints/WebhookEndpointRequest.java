package io.stablegate.http.webhookendpoints;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** The body of {@code POST /api/v1/webhook-endpoints}: where to send and which webhook types (or {@code ["*"]}). */
public record WebhookEndpointRequest(@NotBlank @Size(max = 2048) String url, @NotNull @Size(min = 1, max = 20) List<String> events) {}
