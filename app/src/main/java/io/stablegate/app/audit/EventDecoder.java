package io.stablegate.app.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.typesafe.config.Config;
import io.stablegate.engine.invoice.InvoiceEvent;
import io.stablegate.engine.serialization.CborSerializable;
import io.stablegate.engine.serialization.InstantText;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

/**
 * Decodes stored journal rows into events, as the read journal does (Pekko's {@link Serialization}
 * with the row's serializer id and manifest), but faster for the rows the engine writes: a Jackson
 * CBOR payload of a class already decoded once by Pekko is read straight by a reader cached for its
 * manifest, with Pekko's own object mapper and a faster reading of instants ({@link InstantText}).
 *
 * <p>Pekko's serializer would look the class up and check it against the allow list for every row
 * and parse each instant with {@code DateTimeFormatter}; the first row of each manifest still goes
 * through Pekko (so the allow list is checked once per class), and every row the fast way cannot
 * read exactly as Pekko would (another serializer, a versioned manifest, a compressed payload,
 * configured migrations, an unreadable payload) goes through Pekko as well. Thread-safe.
 */
final class EventDecoder {
  private static final String BINDING = "jackson-cbor";

  private final Serialization serialization;
  /** The Jackson CBOR serializer's id, or -1 when the fast way is off. */
  private final int cborSerializerId;
  private final ObjectMapper mapper;
  private final Map<String, ObjectReader> readers = new ConcurrentHashMap<>();

  EventDecoder(ActorSystem system) {
    this.serialization = SerializationExtension.get(system);
    Serializer serializer = serializerOfInvoiceEvents(serialization);
    Config jackson = system.settings().config().getConfig("pekko.serialization.jackson");
    Config binding = jackson.getConfig(BINDING).withFallback(jackson);
    boolean plain = serializer != null
        && serializer.getClass().getName().equals("org.apache.pekko.serialization.jackson.JacksonCborSerializer")
        && binding.getConfig("migrations").isEmpty();
    this.cborSerializerId = plain ? serializer.identifier() : -1;
    this.mapper = plain
        ? JacksonObjectMapperProvider.get(system).getOrCreate(BINDING, Optional.empty()).copy()
            .registerModule(InstantText.readModule())
        : null;
  }

  private static Serializer serializerOfInvoiceEvents(Serialization serialization) {
    try {
      return serialization.serializerFor(InvoiceEvent.class);
    } catch (Exception e) {
      return null;
    }
  }

  Object decode(int serializerId, String manifest, byte[] payload) {
    if (serializerId == cborSerializerId && payload.length > 0 && (payload[0] & 0xE0) == 0xA0) {
      // a CBOR map, as Jackson writes an object: not compressed
      ObjectReader reader = readers.get(manifest);
      if (reader != null) {
        try {
          return reader.readValue(payload);
        } catch (IOException | RuntimeException e) {
          // Pekko's way below reads it, or names what is wrong with it
        }
      }
    }
    Object event = serialization.deserialize(payload, serializerId, manifest).get();
    if (serializerId == cborSerializerId && event instanceof CborSerializable
        && event.getClass().getName().equals(manifest)) {
      readers.putIfAbsent(manifest, mapper.readerFor(event.getClass()));
    }
    return event;
  }
}
