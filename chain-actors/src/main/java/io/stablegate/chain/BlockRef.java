package io.stablegate.chain;

import io.stablegate.engine.serialization.CborSerializable;
import java.time.Instant;

/** A block as the watcher remembers it: enough to link it to its parent and date its transfers. */
public record BlockRef(long number, String hash, String parentHash, Instant time) implements CborSerializable {}
