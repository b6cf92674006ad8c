package io.stablegate.engine.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stablegate.engine.money.AmountJson;
import io.stablegate.engine.serialization.InstantText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash chain that makes a journal tamper-evident. Every audited event carries the hash of the
 * previous event of its entity; the hash of an event is SHA-256 over its canonical encoding, which
 * includes that previous hash. Editing, deleting or reordering a stored event breaks the chain.
 *
 * <p>The canonical encoding is JSON with keys sorted, null fields left out (so adding an optional
 * field later does not change old hashes), amounts as normalised plain decimal strings and instants
 * in ISO-8601: {@code {"event":{…},"type":"<simple class name>"}}.
 */
public final class EventHasher {

  /** The "previous hash" of an entity's first event. */
  public static final String GENESIS = "0".repeat(64);

  private static final ObjectMapper CANONICAL = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      // Instant#toString, as the JavaTimeModule writes it, without DateTimeFormatter (faster).
      .addModule(InstantText.writeModule())
      .addModule(AmountJson.module())
      .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
      .configure(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST, false)
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
      .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .build();

  /** Per thread: a SHA-256 digest and a stream that feeds it, reused from one event to the next. */
  private static final ThreadLocal<DigestSink> SINKS = ThreadLocal.withInitial(DigestSink::new);

  private EventHasher() {}

  /** The canonical bytes of an event, as hashed. */
  public static byte[] canonicalBytes(Object event) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    write(event, bytes);
    return bytes.toByteArray();
  }

  /** Lower-case hex SHA-256 of the event's canonical bytes. */
  public static String hash(Object event) {
    DigestSink sink = SINKS.get();
    sink.digest.reset();
    write(event, sink);
    return HexFormat.of().formatHex(sink.digest.digest());
  }

  /**
   * {@code {"event":{…},"type":"<simple class name>"}}: the two keys in sorted order, written
   * directly rather than as a map the mapper would sort for every event.
   */
  private static void write(Object event, OutputStream out) {
    try (JsonGenerator gen = CANONICAL.createGenerator(out)) {
      gen.writeStartObject();
      gen.writeFieldName("event");
      CANONICAL.writeValue(gen, event);
      gen.writeStringField("type", event.getClass().getSimpleName());
      gen.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + event.getClass().getName(), e);
    }
  }

  private static final class DigestSink extends OutputStream {
    private final MessageDigest digest;

    DigestSink() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void write(int b) {
      digest.update((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      digest.update(b, off, len);
    }
  }
}
