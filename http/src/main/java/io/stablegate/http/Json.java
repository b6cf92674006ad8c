package io.stablegate.http;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stablegate.engine.money.AmountJson;

/**
 * The JSON mapper of the HTTP API: ISO-8601 instants; strict on input, so that a wrong JSON type is
 * an error rather than a guess: unknown and duplicate fields are rejected, a number is not a string
 * (amounts are decimal strings), a string is not a number, a fraction is not an integer. On output every
 * {@code BigDecimal} is a plain decimal string ({@link AmountJson}), in answers and in event data alike.
 */
public final class Json {
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .addModule(AmountJson.module())
      .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
      .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true)
      .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false)
      .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
      .configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .withCoercionConfig(LogicalType.Textual, c -> c
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .build();

  private Json() {}
}
