package io.stablegate.engine.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast way writes and reads exactly what Instant (and Jackson's JavaTimeModule) write and read. */
class InstantTextTest {
  private static final ObjectMapper STANDARD = JsonMapper.builder().addModule(new JavaTimeModule())
      .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false).build();
  private static final ObjectMapper FAST = JsonMapper.builder().addModule(new JavaTimeModule())
      .addModule(InstantText.writeModule()).addModule(InstantText.readModule())
      .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false).build();

  record At(Instant at) {}

  static List<Instant> samples() {
    Random random = new Random(7);
    List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.MIN, Instant.MAX,
        Instant.parse("1000-01-01T00:00:00Z"), Instant.parse("0999-12-31T23:59:59.999999999Z"),
        Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
        Instant.parse("2024-02-29T12:00:00.100Z"), Instant.parse("1969-12-31T23:59:59.000001Z"),
        Instant.parse("2026-11-28T12:30:00.123456789Z"), Instant.parse("2026-11-28T12:30:00.120Z")));
    for (int i = 0; i < 200_000; i++) {
      long seconds = switch (i % 3) {
        case 0 -> 1_700_000_000L + random.nextInt(200_000_000);
        case 1 -> random.nextLong(-40_000_000_000L, 260_000_000_000L);
        default -> random.nextLong(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond());
      };
      int nano = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      instants.add(Instant.ofEpochSecond(seconds, nano));
    }
    return instants;
  }

  @Test
  void formatsAsInstantToStringAndParsesBack() throws Exception {
    for (Instant instant : samples()) {
      String text = instant.toString();
      assertThat(InstantText.format(instant)).isEqualTo(text);
      Instant fast = InstantText.parseFast(text);
      if (fast != null) {
        assertThat(fast).isEqualTo(instant);
      }
      String json = STANDARD.writeValueAsString(new At(instant));
      assertThat(FAST.writeValueAsString(new At(instant))).isEqualTo(json);
      assertThat(FAST.readValue(json, At.class)).isEqualTo(STANDARD.readValue(json, At.class));
    }
    assertThat(InstantText.parseFast("2026-11-28T12:30:00.123456789Z"))
        .isEqualTo(Instant.parse("2026-11-28T12:30:00.123456789Z"));
  }

  /** Odd but valid text is read the standard way; invalid text fails as it does the standard way. */
  @Test
  void readsEveryOtherFormTheStandardWay() throws Exception {
    for (String text : List.of("2026-11-28T12:30:00.1Z", "2026-11-28t12:30:00z", "2026-11-28T12:30:00+01:00",
        "2026-11-28T24:00:00Z", "2026-12-31T23:59:60Z", "+12026-11-28T12:30:00Z", "2026-11-28T12:30Z",
        "2026-02-30T12:30:00Z", "2026-13-01T12:30:00Z", "2026-11-28T12:30:00.12345Z", "2026-11-28 12:30:00Z",
        " 2026-11-28T12:30:00Z", "2026-1a-28T12:30:00Z", "1700000000", "", "x")) {
      String json = "{\"at\":\"" + text + "\"}";
      Object standard;
      try {
        standard = STANDARD.readValue(json, At.class);
      } catch (Exception e) {
        standard = e.getClass();
      }
      Object fast;
      try {
        fast = FAST.readValue(json, At.class);
      } catch (Exception e) {
        fast = e.getClass();
      }
      assertThat(fast).as(text).isEqualTo(standard);
      Instant parsed = InstantText.parseFast(text);
      if (parsed != null) {
        assertThat(parsed).as(text).isEqualTo(Instant.parse(text));
      } else {
        try {
          Instant.parse(text);
          assertThat(text).as("a form the fast way leaves to the standard one").isNotEmpty();
        } catch (DateTimeParseException expected) {
          // not an instant at all
        }
      }
    }
    assertThat(FAST.readValue("{\"at\":1700000000.5}", At.class))
        .isEqualTo(STANDARD.readValue("{\"at\":1700000000.5}", At.class));
  }
}
