package io.stablegate.engine.serialization;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * {@link Instant} as ISO-8601 text ({@code 2026-11-28T12:00:00.123Z}), exactly as {@link
 * Instant#toString()} writes it and {@link Instant#parse} (Jackson's {@code InstantDeserializer})
 * reads it, but without going through {@code DateTimeFormatter}, which is several times slower.
 * Only the common form (a four-digit year, UTC {@code Z}, 0, 3, 6 or 9 fraction digits, no leap
 * second) takes the fast way; anything else goes the standard way, so the results are the same for
 * every input. Used where instants are read or written by the million: the audit's replay and the
 * canonical JSON of the hash chain.
 */
public final class InstantText {
  private static final long SECONDS_PER_DAY = 86_400;
  private static final int[] POWERS = {100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

  private InstantText() {}

  /** {@link Instant#toString()}. */
  public static String format(Instant instant) {
    long seconds = instant.getEpochSecond();
    long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
    int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    if (days < MIN_DAY || days > MAX_DAY) {
      return instant.toString();
    }
    LocalDate date = LocalDate.ofEpochDay(days);
    int nano = instant.getNano();
    char[] out = new char[nano == 0 ? 20 : nano % 1_000_000 == 0 ? 24 : nano % 1_000 == 0 ? 27 : 30];
    int year = date.getYear();
    digits(out, 0, year / 100);
    digits(out, 2, year % 100);
    out[4] = '-';
    digits(out, 5, date.getMonthValue());
    out[7] = '-';
    digits(out, 8, date.getDayOfMonth());
    out[10] = 'T';
    digits(out, 11, secondOfDay / 3600);
    out[13] = ':';
    digits(out, 14, secondOfDay / 60 % 60);
    out[16] = ':';
    digits(out, 17, secondOfDay % 60);
    if (nano != 0) {
      out[19] = '.';
      int fractionDigits = out.length - 21;
      for (int i = 0; i < fractionDigits; i++) {
        out[20 + i] = (char) ('0' + nano / POWERS[i] % 10);
      }
    }
    out[out.length - 1] = 'Z';
    return new String(out);
  }

  // Years 1000..9999: four digits, no sign, as ISO_INSTANT writes them.
  private static final long MIN_DAY = LocalDate.of(1000, 1, 1).toEpochDay();
  private static final long MAX_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

  private static void digits(char[] out, int at, int twoDigits) {
    out[at] = (char) ('0' + twoDigits / 10);
    out[at + 1] = (char) ('0' + twoDigits % 10);
  }

  /** {@link Instant#parse}; null when {@code text} is not in the common form (then parse it the standard way). */
  public static Instant parseFast(String text) {
    int length = text.length();
    // yyyy-MM-ddTHH:mm:ssZ, or with .SSS, .SSSSSS or .SSSSSSSSS before the Z
    if ((length != 20 && length != 24 && length != 27 && length != 30) || text.charAt(length - 1) != 'Z'
        || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
        || text.charAt(16) != ':' || (length > 20 && text.charAt(19) != '.')) {
      return null;
    }
    int year = number(text, 0, 4);
    int month = number(text, 5, 2);
    int day = number(text, 8, 2);
    int hour = number(text, 11, 2);
    int minute = number(text, 14, 2);
    int second = number(text, 17, 2);
    int nano = 0;
    if (length > 20) {
      int fraction = number(text, 20, length - 21);
      if (fraction < 0) {
        return null;
      }
      nano = fraction * POWERS[length - 22];
    }
    if (year < 1000 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
        || second > 59) {
      return null;
    }
    LocalDate date;
    try {
      date = LocalDate.of(year, month, day);
    } catch (DateTimeException e) {
      return null;
    }
    return Instant.ofEpochSecond(date.toEpochDay() * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second, nano);
  }

  /** The decimal number in {@code text[from, from + count)}, or -1 if a character is not a digit. */
  private static int number(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      int digit = text.charAt(i) - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  /** Writes instants with {@link #format}; registered after the JavaTimeModule, it takes its place for Instant. */
  public static SimpleModule writeModule() {
    return new SimpleModule("stablegate-instant-text-write").addSerializer(Instant.class, new Writer());
  }

  /** Reads instants with {@link #parseFast}, anything else as Jackson's {@code InstantDeserializer} does. */
  public static SimpleModule readModule() {
    return new SimpleModule("stablegate-instant-text-read").addDeserializer(Instant.class, new Reader());
  }

  private static final class Writer extends JsonSerializer<Instant> {
    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
      gen.writeString(format(value));
    }

    @Override
    public Class<Instant> handledType() {
      return Instant.class;
    }
  }

  private static final class Reader extends JsonDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        Instant fast = parseFast(p.getText());
        if (fast != null) {
          return fast;
        }
      }
      return InstantDeserializer.INSTANT.deserialize(p, ctxt);
    }

    @Override
    public Class<?> handledType() {
      return Instant.class;
    }
  }
}
