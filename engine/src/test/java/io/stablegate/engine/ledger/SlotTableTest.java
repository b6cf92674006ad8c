package io.stablegate.engine.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.ledger.WalletLedgerState.Slot;
import io.stablegate.engine.money.Amounts;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SlotTableTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

  static List<Slot> slotsInOrder(SlotTable table) {
    List<Slot> slots = new ArrayList<>();
    for (int row = 0; row < table.rowLimit(); row++) {
      if (table.isLive(row)) {
        slots.add(table.slotAt(row));
      }
    }
    return slots;
  }

  /**
   * Random allocations, replacements, releases, hold changes and prunes, checked after every step against
   * the maps the table replaced (a LinkedHashMap by normalized payAmount and a map by invoice): every lookup,
   * the slots in allocation order, the count. Amounts collide often (few distinct values, in several scales),
   * and the table grows and compacts many times.
   */
  @Test
  void behavesAsTheMapsItReplacedThroughRandomChanges() {
    Random random = new Random(20261202);
    SlotTable table = new SlotTable(0);
    LinkedHashMap<BigDecimal, Slot> byAmount = new LinkedHashMap<>();
    Map<UUID, BigDecimal> byInvoice = new HashMap<>();
    List<UUID> invoices = new ArrayList<>();
    for (int step = 0; step < 20_000; step++) {
      int op = random.nextInt(100);
      Instant now = T0.plusSeconds(step);
      if (op < 60 || invoices.isEmpty()) {
        // allocate: a new invoice, or (sometimes) a known one getting a remainder's payAmount
        UUID invoice = invoices.isEmpty() || random.nextInt(5) > 0 ? UUID.randomUUID()
            : invoices.get(random.nextInt(invoices.size()));
        BigDecimal payAmount = amount(random);
        BigDecimal due = random.nextInt(4) == 0 ? payAmount.subtract(new BigDecimal("0.5")) : null;
        BigDecimal tolerance = random.nextInt(3) == 0 ? new BigDecimal("0.5") : null;
        Slot slot = new Slot(invoice, payAmount, now, now.plusSeconds(random.nextInt(3_000)), due, tolerance);
        BigDecimal key = Amounts.normalize(payAmount);
        BigDecimal previous = byInvoice.remove(invoice);
        if (previous != null) {
          byAmount.remove(previous);
        }
        Slot displaced = byAmount.remove(key);
        if (displaced != null) {
          byInvoice.remove(displaced.invoiceId(), key);
        }
        byAmount.put(key, slot);
        byInvoice.put(invoice, key);
        int previousRow = table.rowOfInvoice(invoice);
        if (previousRow >= 0) {
          table.remove(previousRow);
        }
        int takenRow = table.rowOfAmount(payAmount);
        if (takenRow >= 0) {
          table.remove(takenRow);
        }
        table.append(slot);
        invoices.add(invoice);
      } else if (op < 80) {
        // release an amount (as the ledger does: only if its invoice still holds it)
        BigDecimal payAmount = amount(random);
        Slot slot = byAmount.get(Amounts.normalize(payAmount));
        int row = table.rowOfAmount(payAmount);
        assertThat(row >= 0).isEqualTo(slot != null);
        if (slot != null) {
          if (random.nextBoolean()) {
            byAmount.remove(Amounts.normalize(payAmount));
            byInvoice.remove(slot.invoiceId());
            table.remove(row);
          } else {
            Instant until = now.plusSeconds(random.nextInt(100));
            byAmount.put(Amounts.normalize(payAmount), new Slot(slot.invoiceId(), slot.payAmount(), slot.allocatedAt(),
                until, slot.due(), slot.tolerancePercent()));
            table.setHoldUntil(row, until);
          }
        }
      } else if (op < 82) {
        // prune what is no longer held
        List<BigDecimal> over = byAmount.entrySet().stream().filter(e -> !now.isBefore(e.getValue().holdUntil()))
            .map(Map.Entry::getKey).toList();
        over.forEach(key -> byInvoice.remove(byAmount.remove(key).invoiceId()));
        table.removeHeldUntil(now);
      } else {
        // lookups of random amounts and invoices, known or not
        BigDecimal payAmount = amount(random);
        Slot expected = byAmount.get(Amounts.normalize(payAmount));
        int row = table.rowOfAmount(payAmount);
        assertThat(row < 0 ? null : table.slotAt(row)).isEqualTo(expected);
        UUID invoice = random.nextBoolean() && !invoices.isEmpty() ? invoices.get(random.nextInt(invoices.size()))
            : UUID.randomUUID();
        BigDecimal key = byInvoice.get(invoice);
        int invoiceRow = table.rowOfInvoice(invoice);
        assertThat(invoiceRow < 0 ? null : table.slotAt(invoiceRow)).isEqualTo(key == null ? null : byAmount.get(key));
      }
      assertThat(table.size()).isEqualTo(byAmount.size());
      if (step % 500 == 0) {
        assertThat(slotsInOrder(table)).containsExactlyElementsOf(byAmount.values());
      }
    }
    assertThat(slotsInOrder(table)).containsExactlyElementsOf(byAmount.values());
    for (Slot slot : byAmount.values()) {
      assertThat(table.slotAt(table.rowOfInvoice(slot.invoiceId()))).isEqualTo(slot);
      assertThat(table.slotAt(table.rowOfAmount(slot.payAmount().setScale(slot.payAmount().scale() + 2))))
          .isEqualTo(slot);
    }
  }

  @Test
  void aPayAmountBeyondALongIsFoundByValueAndKeptExactly() {
    SlotTable table = new SlotTable(0);
    BigDecimal huge = new BigDecimal("123456789012345678901234.500");
    Slot slot = new Slot(UUID.randomUUID(), huge, T0, T0.plusSeconds(60), null, null);
    table.append(slot);
    assertThat(table.slotAt(table.rowOfAmount(new BigDecimal("123456789012345678901234.5")))).isEqualTo(slot);
    assertThat(table.slotAt(table.rowOfAmount(huge)).payAmount().scale()).isEqualTo(3);
    assertThat(table.rowOfAmount(new BigDecimal("123456789012345678901234.6"))).isEqualTo(-1);
    table.remove(table.rowOfInvoice(slot.invoiceId()));
    assertThat(table.rowOfAmount(huge)).isEqualTo(-1);
    assertThat(table.size()).isZero();
  }

  /** 1,000 distinct amounts in 1 to 4 decimal places and their other scales (trailing zeros). */
  private static BigDecimal amount(Random random) {
    BigDecimal value = BigDecimal.valueOf(1_000 + random.nextInt(1_000), 1 + random.nextInt(3));
    return random.nextInt(4) == 0 ? value.setScale(value.scale() + 2) : value;
  }
}
