package io.stablegate.engine.ledger;

import io.stablegate.engine.ledger.WalletLedgerState.Slot;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The slots of a ledger snapshot packed into bytes: a busy wallet holds a hundred thousand slots, and
 * as CBOR objects (field names, UUIDs and instants as text) they cost about 150 bytes each to write and
 * as much to parse on every recovery. Packed, a slot takes about 32 bytes: the invoice id as two longs,
 * amounts as unscaled value and scale, instants as seconds and milli- or nanoseconds, all variable-length
 * except the id; the due amount only when it differs from the payAmount, the tolerance only when set.
 * Lossless: {@link #unpack} gives back equal slots.
 *
 * <p>Layout (version 1): {@code version, count, then per slot: id (16 bytes), payAmount, allocatedAt,
 * holdUntil, flags (1: due follows, 2: tolerance follows), [due], [tolerance]}, every number a varint
 * but the id. A decimal is {@code zigzag(scale) << 1 | kind}, then for kind 0 the zigzag unscaled value,
 * for kind 1 its length and two's complement bytes. An instant is its epoch second (zigzag; holdUntil's
 * relative to allocatedAt's), then {@code millis << 1} or, when not whole milliseconds, {@code nanos << 1 | 1}.
 */
final class SlotPacking {
  static final int VERSION = 1;
  private static final int DUE = 1;
  private static final int TOLERANCE = 2;

  private SlotPacking() {}

  static byte[] pack(Collection<Slot> slots) {
    Writer out = new Writer(64 + 40 * slots.size());
    out.varlong(VERSION);
    out.varlong(slots.size());
    for (Slot slot : slots) {
      out.fixed64(slot.invoiceId().getMostSignificantBits());
      out.fixed64(slot.invoiceId().getLeastSignificantBits());
      out.decimal(slot.payAmount());
      out.instant(slot.allocatedAt(), 0);
      out.instant(slot.holdUntil(), slot.allocatedAt().getEpochSecond());
      boolean due = !slot.due().equals(slot.payAmount());
      boolean tolerance = slot.tolerancePercent() != null;
      out.varlong((due ? DUE : 0) | (tolerance ? TOLERANCE : 0));
      if (due) {
        out.decimal(slot.due());
      }
      if (tolerance) {
        out.decimal(slot.tolerancePercent());
      }
    }
    return out.bytes();
  }

  /** The number of slots in {@code packed}. */
  static int count(byte[] packed) {
    Reader in = new Reader(packed);
    version(in);
    return (int) in.varlong();
  }

  static void unpack(byte[] packed, Consumer<Slot> each) {
    Reader in = new Reader(packed);
    version(in);
    long count = in.varlong();
    for (long i = 0; i < count; i++) {
      UUID invoiceId = new UUID(in.fixed64(), in.fixed64());
      BigDecimal payAmount = in.decimal();
      Instant allocatedAt = in.instant(0);
      Instant holdUntil = in.instant(allocatedAt.getEpochSecond());
      int flags = (int) in.varlong();
      BigDecimal due = (flags & DUE) != 0 ? in.decimal() : payAmount;
      BigDecimal tolerance = (flags & TOLERANCE) != 0 ? in.decimal() : null;
      each.accept(new Slot(invoiceId, payAmount, allocatedAt, holdUntil, due, tolerance));
    }
    if (in.position != packed.length) {
      throw new IllegalArgumentException("packed slots: " + (packed.length - in.position) + " bytes left over");
    }
  }

  private static void version(Reader in) {
    long version = in.varlong();
    if (version != VERSION) {
      throw new IllegalArgumentException("packed slots of version " + version + ", this node reads " + VERSION);
    }
  }

  private static final class Writer {
    private byte[] buf;
    private int size;

    Writer(int capacity) {
      buf = new byte[capacity];
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    void fixed64(long v) {
      ensure(8);
      for (int shift = 56; shift >= 0; shift -= 8) {
        buf[size++] = (byte) (v >>> shift);
      }
    }

    void varlong(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }

    void zigzag(long v) {
      varlong((v << 1) ^ (v >> 63));
    }

    void decimal(BigDecimal d) {
      long scale = ((long) d.scale() << 1) ^ ((long) d.scale() >> 63);
      BigInteger unscaled = d.unscaledValue();
      if (unscaled.bitLength() < 63) {
        varlong(scale << 1);
        zigzag(unscaled.longValue());
      } else {
        byte[] bytes = unscaled.toByteArray();
        varlong(scale << 1 | 1);
        varlong(bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        size += bytes.length;
      }
    }

    void instant(Instant t, long baseSecond) {
      zigzag(t.getEpochSecond() - baseSecond);
      int nano = t.getNano();
      varlong(nano % 1_000_000 == 0 ? (nano / 1_000_000) << 1 : (long) nano << 1 | 1);
    }

    byte[] bytes() {
      return Arrays.copyOf(buf, size);
    }
  }

  private static final class Reader {
    private final byte[] buf;
    private int position;

    Reader(byte[] buf) {
      this.buf = buf;
    }

    long fixed64() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (buf[position++] & 0xFF);
      }
      return v;
    }

    long varlong() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = buf[position++];
        v |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("packed slots: malformed varint at " + position);
    }

    long zigzag() {
      long v = varlong();
      return (v >>> 1) ^ -(v & 1);
    }

    BigDecimal decimal() {
      long head = varlong();
      long zigzagScale = head >>> 1;
      int scale = (int) ((zigzagScale >>> 1) ^ -(zigzagScale & 1));
      if ((head & 1) == 0) {
        return BigDecimal.valueOf(zigzag(), scale);
      }
      int length = (int) varlong();
      BigInteger unscaled = new BigInteger(buf, position, length);
      position += length;
      return new BigDecimal(unscaled, scale);
    }

    Instant instant(long baseSecond) {
      long seconds = baseSecond + zigzag();
      long nano = varlong();
      return Instant.ofEpochSecond(seconds, (nano & 1) == 0 ? (nano >>> 1) * 1_000_000 : nano >>> 1);
    }
  }
}
