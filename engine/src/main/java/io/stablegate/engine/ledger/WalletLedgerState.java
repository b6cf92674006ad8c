package io.stablegate.engine.ledger;

import io.stablegate.engine.ledger.WalletLedgerEvent.PayAmountAllocated;
import io.stablegate.engine.ledger.WalletLedgerEvent.PayAmountReleased;
import io.stablegate.engine.ledger.WalletLedgerEvent.TransferRouted;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferRecorded;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.serialization.CborSerializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The slots and recent routings of one wallet. Deliberately mutable: a busy wallet holds thousands
 * of slots, and copying them on every event would make allocation quadratic. It is changed only by
 * {@link #apply} (the event handler), and {@link #toSnapshot()} hands the snapshot store an
 * immutable copy, so nothing else ever sees it change.
 */
public final class WalletLedgerState {

  /** A reserved payAmount. */
  public record Slot(UUID invoiceId, BigDecimal payAmount, Instant allocatedAt, Instant holdUntil)
      implements CborSerializable {}

  /** How a transfer was routed, and whether it was kept as unmatched once final. */
  public record RoutedTransfer(String transferKey, UUID invoiceId, Instant at, boolean recordedUnmatched)
      implements CborSerializable {}

  /** The immutable form stored as a snapshot. */
  public record Snapshot(List<Slot> slots, List<RoutedTransfer> routed) implements CborSerializable {}

  private final Map<String, Slot> slotsByPayAmount = new HashMap<>();
  private final Map<UUID, String> payAmountByInvoice = new HashMap<>();
  private final LinkedHashMap<String, RoutedTransfer> routed = new LinkedHashMap<>();
  private final Duration routedRetention;
  private int pruneAtSize = 1024;

  public WalletLedgerState(Duration routedRetention) {
    this.routedRetention = routedRetention;
  }

  /** The slot holding {@code payAmount} at {@code time}, if one does. */
  public Optional<Slot> reservedSlot(BigDecimal payAmount, Instant time) {
    Slot slot = slotsByPayAmount.get(Amounts.format(payAmount));
    return slot != null && time.isBefore(slot.holdUntil()) ? Optional.of(slot) : Optional.empty();
  }

  public Optional<Slot> slotOf(UUID invoiceId) {
    String key = payAmountByInvoice.get(invoiceId);
    return key == null ? Optional.empty() : Optional.ofNullable(slotsByPayAmount.get(key));
  }

  public Optional<RoutedTransfer> routed(String transferKey) {
    return Optional.ofNullable(routed.get(transferKey));
  }

  public WalletLedgerState apply(WalletLedgerEvent event) {
    switch (event) {
      case PayAmountAllocated e -> {
        String key = Amounts.format(e.payAmount());
        removeSlot(key);
        slotsByPayAmount.put(key, new Slot(e.invoiceId(), e.payAmount(), e.at(), e.holdUntil()));
        payAmountByInvoice.put(e.invoiceId(), key);
        if (slotsByPayAmount.size() > pruneAtSize) {
          pruneSlotsHeldUntil(e.at());
          pruneAtSize = Math.max(1024, 2 * slotsByPayAmount.size());
        }
      }
      case PayAmountReleased e -> {
        String key = Amounts.format(e.payAmount());
        Slot slot = slotsByPayAmount.get(key);
        if (slot != null && slot.invoiceId().equals(e.invoiceId())) {
          if (e.holdUntil() == null) {
            removeSlot(key);
          } else {
            slotsByPayAmount.put(key, new Slot(slot.invoiceId(), slot.payAmount(), slot.allocatedAt(), e.holdUntil()));
          }
        }
      }
      case TransferRouted e -> {
        routed.put(e.transfer().key().toString(),
            new RoutedTransfer(e.transfer().key().toString(), e.invoiceId(), e.at(), false));
        pruneRoutedBefore(e.at().minus(routedRetention));
      }
      case UnmatchedTransferRecorded e -> {
        String key = e.transfer().key().toString();
        routed.put(key, new RoutedTransfer(key, null, e.at(), true));
      }
    }
    return this;
  }

  public Snapshot toSnapshot() {
    return new Snapshot(List.copyOf(slotsByPayAmount.values()), List.copyOf(routed.values()));
  }

  public static WalletLedgerState fromSnapshot(Snapshot snapshot, Duration routedRetention) {
    WalletLedgerState state = new WalletLedgerState(routedRetention);
    for (Slot slot : snapshot.slots()) {
      String key = Amounts.format(slot.payAmount());
      state.slotsByPayAmount.put(key, slot);
      state.payAmountByInvoice.put(slot.invoiceId(), key);
    }
    List<RoutedTransfer> inOrder = new ArrayList<>(snapshot.routed());
    inOrder.sort(java.util.Comparator.comparing(RoutedTransfer::at));
    inOrder.forEach(r -> state.routed.put(r.transferKey(), r));
    return state;
  }

  private void removeSlot(String key) {
    Slot old = slotsByPayAmount.remove(key);
    if (old != null) {
      payAmountByInvoice.remove(old.invoiceId(), key);
    }
  }

  private void pruneSlotsHeldUntil(Instant time) {
    List<String> over = slotsByPayAmount.entrySet().stream()
        .filter(e -> !time.isBefore(e.getValue().holdUntil()))
        .map(Map.Entry::getKey)
        .toList();
    over.forEach(this::removeSlot);
  }

  private void pruneRoutedBefore(Instant cutoff) {
    Iterator<RoutedTransfer> oldestFirst = routed.values().iterator();
    while (oldestFirst.hasNext()) {
      if (!oldestFirst.next().at().isBefore(cutoff)) {
        return;
      }
      oldestFirst.remove();
    }
  }
}
