package io.stablegate.engine.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.InvoiceView;
import io.stablegate.engine.money.Amounts;
import java.util.LinkedHashMap;
import io.stablegate.engine.invoice.WebhookEventType;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The body of a webhook request, CONTRACT §4: {@code {id, type, createdAt, data: {invoice}}}, the
 * invoice as of the event. Rendered once per attempt from the delivery's stored invoice, so every
 * attempt carries the same content; the bytes returned are exactly the bytes signed and sent.
 */
public record WebhookPayload(String id, String type, Instant createdAt, Map<String, Object> data) {

  private static final ObjectMapper JSON = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false)
      .build();

  public static WebhookPayload of(WebhookDelivery delivery, String publicUrl) {
    if (delivery.invoice() == null) {
      return new WebhookPayload(delivery.eventId().toString(), delivery.type().wireName(), delivery.createdAt(),
          notice(delivery.notice()));
    }
    return new WebhookPayload(delivery.eventId().toString(), delivery.type().wireName(), delivery.createdAt(),
        Map.of("invoice", InvoiceView.of(delivery.invoice(), publicUrl)));
  }

  /** {@code data} of {@code transfer.unmatched}: {@code {transfer: {chain, token, txHash, …}, candidates}}. */
  private static Map<String, Object> notice(TransferNotice notice) {
    Transfer t = notice.transfer();
    Map<String, Object> transfer = new LinkedHashMap<>();
    transfer.put("chain", t.chain().name());
    transfer.put("token", InvoiceView.TOKEN);
    transfer.put("txHash", t.txHash());
    transfer.put("logIndex", t.logIndex());
    transfer.put("from", t.from());
    transfer.put("to", t.to());
    transfer.put("amount", Amounts.format(t.amount()));
    transfer.put("blockNumber", t.blockNumber());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("transfer", transfer);
    data.put("candidates", notice.candidates().stream().map(UUID::toString).toList());
    return data;
  }

  /** A {@code ping}: sent on the merchant's request to test the endpoint; it concerns no invoice. */
  public static WebhookPayload ping(UUID id, Instant createdAt) {
    return new WebhookPayload(id.toString(), WebhookEventType.PING.wireName(), createdAt, Map.of());
  }

  public byte[] toBytes() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render webhook event " + id, e);
    }
  }
}
