package io.stablegate.http.invoices;

import io.stablegate.http.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** Opaque page cursors: base64url of the keyset position, fields joined by a newline. */
final class Cursors {
  private Cursors() {}

  static String encode(List<String> fields) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(String.join("\n", fields).getBytes(StandardCharsets.UTF_8));
  }

  /** The fields of a cursor, or 400 naming {@code cursor}. */
  static List<String> decode(String cursor, int fieldCount) {
    try {
      List<String> fields = List.of(
          new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", -1));
      if (fields.size() != fieldCount) {
        throw new IllegalArgumentException("wrong field count");
      }
      return fields;
    } catch (IllegalArgumentException e) {
      throw ApiProblem.field("cursor", "is not a cursor this API gave out");
    }
  }

  /** Cursors this API gives out hold instants of years 1 to 9999; anything else was forged. */
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

  /** The instant of a cursor, within what the database can hold; otherwise 400 naming {@code cursor}. */
  static Instant instant(String text) {
    try {
      Instant at = Instant.parse(text);
      if (!at.isBefore(EARLIEST) && !at.isAfter(LATEST)) {
        return at;
      }
    } catch (RuntimeException e) {
      // answered below
    }
    throw ApiProblem.field("cursor", "is not a cursor this API gave out");
  }

  /** {@code limit}: absent → the default; otherwise 1..max. */
  static int limit(java.util.Optional<String> limit, int defaultLimit, int max) {
    if (limit.isEmpty()) {
      return defaultLimit;
    }
    try {
      int value = Integer.parseInt(limit.get());
      if (value >= 1 && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiProblem.field("limit", "must be an integer from 1 to " + max);
  }
}
