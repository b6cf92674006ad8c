package io.stablegate.engine.serialization;

/**
 * Marker for every message, event and snapshot that is persisted or crosses nodes. Bound to
 * Pekko's {@code jackson-cbor} serializer in {@code reference.conf}; Java serialization is off.
 */
public interface CborSerializable {}
