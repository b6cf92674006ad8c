package io.stablegate.engine.money;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Amounts in JSON answers: every {@link BigDecimal} is written as its plain decimal string
 * ({@code "10"}, {@code "10.5"}), never as a JSON number and never with an exponent ({@code 1E+1}).
 * Registered on every mapper that writes what a merchant reads: API answers, event data, webhook
 * bodies, exports, and the canonical encoding of the audit hash chain.
 */
public final class AmountJson {
  private AmountJson() {}

  /** A Jackson module that writes {@code BigDecimal} as {@link Amounts#format}. */
  public static SimpleModule module() {
    return new SimpleModule("stablegate-amounts").addSerializer(BigDecimal.class, new PlainString());
  }

  private static final class PlainString extends JsonSerializer<BigDecimal> {
    @Override
    public void serialize(BigDecimal value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
      gen.writeString(Amounts.format(value));
    }
  }
}
