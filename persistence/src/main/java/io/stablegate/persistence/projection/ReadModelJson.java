package io.stablegate.persistence.projection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stablegate.engine.invoice.Invoice;

/** How entity states are stored as JSON documents in read tables. One shared, thread-safe mapper. */
public final class ReadModelJson {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false)
      .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true)
      // Documents carry derived bean properties too (Payment.isFinal() is written as "final"); reading
      // them back must not fail, or the projection stops at the first final payment.
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .build();

  private ReadModelJson() {}

  public static String write(Invoice invoice) {
    try {
      return MAPPER.writeValueAsString(invoice);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write invoice " + invoice.id(), e);
    }
  }

  /** Any value (a list of candidates, of claims) as JSON. */
  public static String write(java.util.List<?> values) {
    try {
      return MAPPER.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + values, e);
    }
  }

  /** A JSON array of {@code type}. */
  public static <T> java.util.List<T> readList(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, MAPPER.getTypeFactory().constructCollectionType(java.util.List.class, type));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot read a list of " + type.getSimpleName(), e);
    }
  }

  public static Invoice readInvoice(String json) {
    try {
      return MAPPER.readValue(json, Invoice.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot read an invoice document", e);
    }
  }
}
