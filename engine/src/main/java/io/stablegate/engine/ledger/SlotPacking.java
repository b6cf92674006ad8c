package io.stablegate.engine.ledger;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * The slots of a ledger snapshot packed into bytes: a busy wallet holds a hundred thousand slots, and
 * as CBOR objects (field names, UUIDs and instants as text) they cost about 150 bytes each to write and
 * as much to parse on every recovery. Packed, a slot takes about 32 bytes: the invoice id as two longs,
 * amounts as unscaled value and scale, instants as seconds and milli- or nanoseconds, all variable-length
 * except the id; the due amount only when it differs from the payAmount, the tolerance only when set.
 * Lossless: {@link #unpack} gives back equal slots, straight into a {@link SlotTable}'s columns.
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

  static byte[] pack(SlotTable slots) {
    Writer out = new Writer(64 + 40 * slots.size());
    out.varlong(VERSION);
    out.varlong(slots.size());
    for (int row = 0; row < slots.rowLimit(); row++) {
      if (!slots.isLive(row)) {
        continue;
      }
      out.fixed64(slots.invoiceMsb(row));
      out.fixed64(slots.invoiceLsb(row));
      BigDecimal payAmount = slots.payAmount(row);
      out.decimal(payAmount);
      long allocatedSecond = slots.allocatedSecond(row);
      out.instant(allocatedSecond, slots.allocatedNano(row), 0);
      out.instant(slots.holdSecond(row), slots.holdNano(row), allocatedSecond);
      BigDecimal due = slots.dueIfNotPayAmount(row);
      BigDecimal tolerance = slots.tolerance(row);
      out.varlong((due != null ? DUE : 0) | (tolerance != null ? TOLERANCE : 0));
      if (due != null) {
        out.decimal(due);
      }
      if (tolerance != null) {
        out.decimal(tolerance);
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

  /** Appends the packed slots to {@code slots}, in their order, without making an object of each. */
  static void unpack(byte[] packed, SlotTable slots) {
    Reader in = new Reader(packed);
    version(in);
    long count = in.varlong();
    for (long i = 0; i < count; i++) {
      long msb = in.fixed64();
      long lsb = in.fixed64();
      BigDecimal payAmount = in.decimal();
      long allocatedSecond = in.zigzag();
      int allocatedNano = in.nano();
      long holdSecond = allocatedSecond + in.zigzag();
      int holdNano = in.nano();
      int flags = (int) in.varlong();
      BigDecimal due = (flags & DUE) != 0 ? in.decimal() : null;
      BigDecimal tolerance = (flags & TOLERANCE) != 0 ? in.decimal() : null;
      slots.append(msb, lsb, payAmount, allocatedSecond, allocatedNano, holdSecond, holdNano, due, tolerance);
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

    void instant(long second, int nano, long baseSecond) {
      zigzag(second - baseSecond);
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

    /** The nanosecond part of an instant, written after its second. */
    int nano() {
      long nano = varlong();
      return (int) ((nano & 1) == 0 ? (nano >>> 1) * 1_000_000 : nano >>> 1);
    }
  }
}
