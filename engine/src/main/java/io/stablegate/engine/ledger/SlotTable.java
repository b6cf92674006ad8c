package io.stablegate.engine.ledger;

import io.stablegate.engine.ledger.WalletLedgerState.Slot;
import io.stablegate.engine.money.Amounts;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * The open slots of one wallet's ledger, in columns of primitives: a busy wallet holds a hundred
 * thousand of them, and as objects (a slot, its id, amounts, instants and two map entries: some eight
 * objects each) recovery spent most of its time creating them and the garbage collector copying them.
 * Here a slot is a row: the invoice id as two longs, the payAmount as its normalized unscaled value and
 * scale, instants as epoch second and nanosecond; objects only where a slot differs from the common case
 * (a due amount other than the payAmount, a tolerance, a payAmount too large for a long). Rows are kept
 * in allocation order (removed rows leave holes until the next compaction), and found by payAmount or
 * by invoice through two open-addressing indexes (linear probing, backward-shift deletion).
 *
 * <p>Not thread-safe; owned by one {@link WalletLedgerState}. A row number is valid until the next
 * {@link #append} or {@link #removeHeldUntil}, which may compact the rows.
 */
final class SlotTable {
  /** The {@code keyScale} of a payAmount whose normalized unscaled value does not fit a long. */
  private static final int BIG = Integer.MIN_VALUE;

  private int rows;
  private int live;
  private Columns c;
  /** Row + 1 per index position, 0 for an empty position; a power of two at least twice the row capacity. */
  private int[] byAmount;
  private int[] byInvoice;

  SlotTable(int expected) {
    c = new Columns(Math.max(16, expected));
    rebuildIndexes();
  }

  int size() {
    return live;
  }

  /** The rows to walk, in allocation order: {@code 0 <= row < rowLimit()}, skipping those not {@link #isLive}. */
  int rowLimit() {
    return rows;
  }

  boolean isLive(int row) {
    return !c.removed[row];
  }

  Slot slotAt(int row) {
    BigDecimal payAmount = payAmount(row);
    return new Slot(invoiceId(row), payAmount, Instant.ofEpochSecond(c.allocatedSecond[row], c.allocatedNano[row]),
        Instant.ofEpochSecond(c.holdSecond[row], c.holdNano[row]), c.due[row] == null ? payAmount : c.due[row],
        c.tolerance[row]);
  }

  UUID invoiceId(int row) {
    return new UUID(c.idMsb[row], c.idLsb[row]);
  }

  BigDecimal payAmount(int row) {
    return c.exact[row] != null ? c.exact[row] : BigDecimal.valueOf(c.keyUnscaled[row], c.keyScale[row]);
  }

  long invoiceMsb(int row) {
    return c.idMsb[row];
  }

  long invoiceLsb(int row) {
    return c.idLsb[row];
  }

  long allocatedSecond(int row) {
    return c.allocatedSecond[row];
  }

  int allocatedNano(int row) {
    return c.allocatedNano[row];
  }

  long holdSecond(int row) {
    return c.holdSecond[row];
  }

  int holdNano(int row) {
    return c.holdNano[row];
  }

  /** The amount due, or null when it is the payAmount. */
  BigDecimal dueIfNotPayAmount(int row) {
    return c.due[row];
  }

  BigDecimal tolerance(int row) {
    return c.tolerance[row];
  }

  boolean hasTolerance(int row) {
    return c.tolerance[row] != null;
  }

  /** Whether the row's hold lasts beyond {@code time}. */
  boolean heldAfter(int row, Instant time) {
    return compare(time.getEpochSecond(), time.getNano(), c.holdSecond[row], c.holdNano[row]) < 0;
  }

  /** Whether the row was allocated at or before {@code time}. */
  boolean allocatedBy(int row, Instant time) {
    return compare(c.allocatedSecond[row], c.allocatedNano[row], time.getEpochSecond(), time.getNano()) <= 0;
  }

  /** The row holding {@code payAmount} (any scale), or -1. */
  int rowOfAmount(BigDecimal payAmount) {
    BigDecimal key = Amounts.normalize(payAmount);
    boolean fits = key.unscaledValue().bitLength() < 64;
    long unscaled = fits ? key.unscaledValue().longValue() : 0;
    int mask = byAmount.length - 1;
    for (int i = (fits ? amountHash(unscaled, key.scale()) : bigHash(key)) & mask; byAmount[i] != 0; i = (i + 1) & mask) {
      int row = byAmount[i] - 1;
      if (fits ? c.keyScale[row] == key.scale() && c.keyUnscaled[row] == unscaled
          : c.keyScale[row] == BIG && c.exact[row].compareTo(key) == 0) {
        return row;
      }
    }
    return -1;
  }

  /** The row of {@code invoiceId}'s slot, or -1. */
  int rowOfInvoice(UUID invoiceId) {
    long msb = invoiceId.getMostSignificantBits();
    long lsb = invoiceId.getLeastSignificantBits();
    int mask = byInvoice.length - 1;
    for (int i = invoiceHash(msb, lsb) & mask; byInvoice[i] != 0; i = (i + 1) & mask) {
      int row = byInvoice[i] - 1;
      if (c.idMsb[row] == msb && c.idLsb[row] == lsb) {
        return row;
      }
    }
    return -1;
  }

  /**
   * Adds a slot after the others. Neither its payAmount nor its invoice may hold a slot already (the
   * caller removes those first).
   */
  void append(long invoiceMsb, long invoiceLsb, BigDecimal payAmount, long allocatedAtSecond, int allocatedAtNano,
      long holdUntilSecond, int holdUntilNano, BigDecimal dueAmount, BigDecimal tolerancePercent) {
    if (rows == c.capacity()) {
      resize(live + 1 > c.capacity() / 2 ? c.capacity() * 2 : c.capacity());
    }
    int row = rows++;
    live++;
    c.idMsb[row] = invoiceMsb;
    c.idLsb[row] = invoiceLsb;
    BigDecimal key = Amounts.normalize(payAmount);
    if (key.unscaledValue().bitLength() < 64) {
      c.keyUnscaled[row] = key.unscaledValue().longValue();
      c.keyScale[row] = key.scale();
      c.exact[row] = payAmount.scale() == key.scale() ? null : payAmount;
    } else {
      c.keyUnscaled[row] = 0;
      c.keyScale[row] = BIG;
      c.exact[row] = payAmount;
    }
    c.allocatedSecond[row] = allocatedAtSecond;
    c.allocatedNano[row] = allocatedAtNano;
    c.holdSecond[row] = holdUntilSecond;
    c.holdNano[row] = holdUntilNano;
    c.due[row] = dueAmount == null || dueAmount.equals(payAmount) ? null : dueAmount;
    c.tolerance[row] = tolerancePercent;
    c.removed[row] = false;
    insert(byAmount, row, amountHashOf(row));
    insert(byInvoice, row, invoiceHash(invoiceMsb, invoiceLsb));
  }

  void append(Slot slot) {
    append(slot.invoiceId().getMostSignificantBits(), slot.invoiceId().getLeastSignificantBits(), slot.payAmount(),
        slot.allocatedAt().getEpochSecond(), slot.allocatedAt().getNano(), slot.holdUntil().getEpochSecond(),
        slot.holdUntil().getNano(), slot.due(), slot.tolerancePercent());
  }

  void setHoldUntil(int row, Instant holdUntil) {
    c.holdSecond[row] = holdUntil.getEpochSecond();
    c.holdNano[row] = holdUntil.getNano();
  }

  void remove(int row) {
    delete(byAmount, true, row, amountHashOf(row));
    delete(byInvoice, false, row, invoiceHash(c.idMsb[row], c.idLsb[row]));
    clear(row);
  }

  /** Removes every slot whose hold has ended at {@code time}, and compacts the rows. */
  void removeHeldUntil(Instant time) {
    for (int row = 0; row < rows; row++) {
      if (!c.removed[row] && !heldAfter(row, time)) {
        clear(row);
      }
    }
    resize(c.capacity());
  }

  // ---- storage ----

  /** One array per field, a row per slot. */
  private static final class Columns {
    final long[] idMsb;
    final long[] idLsb;
    /** The normalized payAmount (no trailing zeros): unscaled value and scale, or BIG and {@code exact}. */
    final long[] keyUnscaled;
    final int[] keyScale;
    /** The payAmount as allocated when it is not {@code BigDecimal.valueOf(keyUnscaled, keyScale)}; else null. */
    final BigDecimal[] exact;
    final long[] allocatedSecond;
    final int[] allocatedNano;
    final long[] holdSecond;
    final int[] holdNano;
    /** The amount due when it is not the payAmount; else null. */
    final BigDecimal[] due;
    final BigDecimal[] tolerance;
    final boolean[] removed;

    Columns(int capacity) {
      idMsb = new long[capacity];
      idLsb = new long[capacity];
      keyUnscaled = new long[capacity];
      keyScale = new int[capacity];
      exact = new BigDecimal[capacity];
      allocatedSecond = new long[capacity];
      allocatedNano = new int[capacity];
      holdSecond = new long[capacity];
      holdNano = new int[capacity];
      due = new BigDecimal[capacity];
      tolerance = new BigDecimal[capacity];
      removed = new boolean[capacity];
    }

    int capacity() {
      return removed.length;
    }

    void copyRow(int from, Columns to, int row) {
      to.idMsb[row] = idMsb[from];
      to.idLsb[row] = idLsb[from];
      to.keyUnscaled[row] = keyUnscaled[from];
      to.keyScale[row] = keyScale[from];
      to.exact[row] = exact[from];
      to.allocatedSecond[row] = allocatedSecond[from];
      to.allocatedNano[row] = allocatedNano[from];
      to.holdSecond[row] = holdSecond[from];
      to.holdNano[row] = holdNano[from];
      to.due[row] = due[from];
      to.tolerance[row] = tolerance[from];
    }
  }

  private void clear(int row) {
    c.removed[row] = true;
    c.exact[row] = null;
    c.due[row] = null;
    c.tolerance[row] = null;
    live--;
  }

  /** Copies the live rows, in order, into columns of {@code capacity} rows, and rebuilds the indexes. */
  private void resize(int capacity) {
    Columns next = new Columns(capacity);
    int to = 0;
    for (int from = 0; from < rows; from++) {
      if (!c.removed[from]) {
        c.copyRow(from, next, to++);
      }
    }
    c = next;
    rows = to;
    live = to;
    rebuildIndexes();
  }

  private void rebuildIndexes() {
    int size = Integer.highestOneBit(Math.max(16, c.capacity()) * 2 - 1) * 2;
    byAmount = new int[size];
    byInvoice = new int[size];
    for (int row = 0; row < rows; row++) {
      if (!c.removed[row]) {
        insert(byAmount, row, amountHashOf(row));
        insert(byInvoice, row, invoiceHash(c.idMsb[row], c.idLsb[row]));
      }
    }
  }

  // ---- the indexes ----

  private static void insert(int[] index, int row, int hash) {
    int mask = index.length - 1;
    int i = hash & mask;
    while (index[i] != 0) {
      i = (i + 1) & mask;
    }
    index[i] = row + 1;
  }

  /** Removes {@code row}'s entry, moving back the entries after it that would otherwise be cut off. */
  private void delete(int[] index, boolean byPayAmount, int row, int hash) {
    int mask = index.length - 1;
    int hole = hash & mask;
    while (index[hole] != row + 1) {
      hole = (hole + 1) & mask;
    }
    for (int j = (hole + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
      int other = index[j] - 1;
      int home = (byPayAmount ? amountHashOf(other) : invoiceHash(c.idMsb[other], c.idLsb[other])) & mask;
      // the entry at j may move into the hole unless its home lies cyclically in (hole, j]
      boolean homeBetween = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!homeBetween) {
        index[hole] = index[j];
        hole = j;
      }
    }
    index[hole] = 0;
  }

  private int amountHashOf(int row) {
    return c.keyScale[row] == BIG ? bigHash(c.exact[row]) : amountHash(c.keyUnscaled[row], c.keyScale[row]);
  }

  private static int amountHash(long unscaled, int scale) {
    return mix(unscaled * 31 + scale);
  }

  private static int bigHash(BigDecimal amount) {
    return mix(Amounts.normalize(amount).hashCode());
  }

  private static int invoiceHash(long msb, long lsb) {
    return mix(msb * 0x9E3779B97F4A7C15L ^ lsb);
  }

  /** MurmurHash3's 64-bit finalizer. */
  private static int mix(long x) {
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    x *= 0xc4ceb9fe1a85ec53L;
    x ^= x >>> 33;
    return (int) x;
  }

  private static int compare(long secondA, int nanoA, long secondB, int nanoB) {
    int bySecond = Long.compare(secondA, secondB);
    return bySecond != 0 ? bySecond : Integer.compare(nanoA, nanoB);
  }

  @Override
  public String toString() {
    return "SlotTable[" + live + " slots in " + rows + " rows of " + c.capacity() + "]";
  }

  /** For tests: the rows' invoice ids in order, removed rows as null. */
  UUID[] invoiceIdsByRow() {
    UUID[] ids = new UUID[rows];
    Arrays.setAll(ids, row -> c.removed[row] ? null : invoiceId(row));
    return ids;
  }
}
