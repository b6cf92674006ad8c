package io.stablegate.engine.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stablegate.engine.ledger.WalletLedgerState.Slot;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SlotPackingTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00.123Z");

  private static List<Slot> unpacked(byte[] packed) {
    SlotTable table = new SlotTable(0);
    SlotPacking.unpack(packed, table);
    return SlotTableTest.slotsInOrder(table);
  }

  private static byte[] pack(List<Slot> slots) {
    SlotTable table = new SlotTable(slots.size());
    slots.forEach(table::append);
    return SlotPacking.pack(table);
  }

  @Test
  void slotsComeBackEqual() {
    List<Slot> slots = List.of(
        // an allocation: due is the payAmount, no tolerance
        new Slot(UUID.randomUUID(), new BigDecimal("10.0001"), T0, T0.plusSeconds(5400), null, null),
        // a remainder's slot with a tolerance, instants with nanoseconds and before 1970
        new Slot(UUID.randomUUID(), new BigDecimal("4.5002"), Instant.ofEpochSecond(-5, 999_999_999),
            T0.plusNanos(7), new BigDecimal("4.5"), new BigDecimal("0.5")),
        // held until before it was allocated (a clock step back), and far apart
        new Slot(UUID.randomUUID(), new BigDecimal("0.0001"), Instant.MAX, Instant.MIN, null, null),
        // a due equal in value but not in scale is kept as it was
        new Slot(new UUID(-1, Long.MIN_VALUE), new BigDecimal("7"), T0, T0, new BigDecimal("7.000"),
            BigDecimal.ZERO),
        // an unscaled value beyond a long
        new Slot(UUID.randomUUID(), new BigDecimal("123456789012345678901234.000000000000000001"), T0, T0,
            new BigDecimal("-99999999999999999999999999"), new BigDecimal("1E+3")));
    byte[] packed = pack(slots);
    assertThat(SlotPacking.count(packed)).isEqualTo(5);
    List<Slot> back = unpacked(packed);
    assertThat(back).containsExactlyElementsOf(slots);
    assertThat(back.get(3).due().scale()).isEqualTo(3);
  }

  @Test
  void noSlots() {
    assertThat(unpacked(pack(List.of()))).isEmpty();
  }

  @Test
  void aSlotTakesAboutThirtyTwoBytes() {
    List<Slot> slots = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      slots.add(new Slot(UUID.randomUUID(), new BigDecimal((10 + i) + ".25"), T0.plusMillis(i),
          T0.plusSeconds(5400).plusMillis(i), null, null));
    }
    assertThat(pack(slots).length).isLessThan(35 * 1_000);
  }

  @Test
  void truncatedOrUnknownBytesAreRefused() {
    byte[] packed = pack(List.of(new Slot(UUID.randomUUID(), BigDecimal.TEN, T0, T0, null, null)));
    assertThatThrownBy(() -> unpacked(Arrays.copyOf(packed, packed.length - 1)))
        .isInstanceOf(RuntimeException.class);
    byte[] longer = Arrays.copyOf(packed, packed.length + 1);
    assertThatThrownBy(() -> unpacked(longer)).isInstanceOf(IllegalArgumentException.class);
    byte[] otherVersion = packed.clone();
    otherVersion[0] = 2;
    assertThatThrownBy(() -> unpacked(otherVersion)).isInstanceOf(IllegalArgumentException.class);
  }
}
