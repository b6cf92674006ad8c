package io.stablegate.engine.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stablegate.engine.money.AmountJson;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The body of a webhook request (docs/webhooks.md): {@code {id, type, createdAt, livemode, data}};
 * {@code livemode} is false for the events of test invoices. For an
 * invoice's event {@code type} is its wire name ({@code invoice.paid}, …) and {@code data} is
 * {@code {invoice}}, the invoice as of the event (rendered by {@code payment.WebhookDeliveryActor}); a {@code ping} has
 * empty data. The bytes returned by {@link #toBytes()} are exactly the bytes signed and sent.
 */
public record WebhookPayload(String id, String type, Instant createdAt, boolean livemode, Map<String, Object> data) {

  /** The type of a {@link #ping}. */
  public static final String PING = "ping";

  private static final ObjectMapper JSON = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .addModule(AmountJson.module())
      .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false)
      .build();

  /** A {@code ping}: sent on the merchant's request to test the endpoint; it concerns no invoice. */
  public static WebhookPayload ping(UUID id, Instant createdAt) {
    return new WebhookPayload(id.toString(), PING, createdAt, true, Map.of());
  }

  public byte[] toBytes() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render webhook event " + id, e);
    }
  }
}
