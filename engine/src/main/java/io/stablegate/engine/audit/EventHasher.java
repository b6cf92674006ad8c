package io.stablegate.engine.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stablegate.engine.money.AmountJson;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

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
      .addModule(AmountJson.module())
      .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
      .configure(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST, false)
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
      .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .build();

  private EventHasher() {}

  /** The canonical bytes of an event, as hashed. */
  public static byte[] canonicalBytes(Object event) {
    try {
      return CANONICAL.writeValueAsBytes(
          Map.of("type", event.getClass().getSimpleName(), "event", event));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + event.getClass().getName(), e);
    }
  }

  /** Lower-case hex SHA-256 of the event's canonical bytes. */
  public static String hash(Object event) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonicalBytes(event));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
