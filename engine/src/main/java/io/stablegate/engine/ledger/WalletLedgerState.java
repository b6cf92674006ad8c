package io.stablegate.engine.ledger;

import io.stablegate.engine.ledger.WalletLedgerEvent.ClaimAwaitingTransfer;
import io.stablegate.engine.ledger.WalletLedgerEvent.ClaimRecorded;
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

  /**
   * A payer's claim that a transfer pays {@code invoiceId}; {@code recorded} once the transfer is
   * kept as unmatched (before that the claim awaits the transfer).
   */
  public record Claim(String transferKey, UUID invoiceId, Instant at, boolean recorded) implements CborSerializable {}

  /** The immutable form stored as a snapshot; {@code claims} is null in snapshots older than claims. */
  public record Snapshot(List<Slot> slots, List<RoutedTransfer> routed, List<Claim> claims)
      implements CborSerializable {}

  private final Map<String, Slot> slotsByPayAmount = new HashMap<>();
  private final Map<UUID, String> payAmountByInvoice = new HashMap<>();
  private final LinkedHashMap<String, RoutedTransfer> routed = new LinkedHashMap<>();
  /** Claims by transfer key, in the order of each transfer's first claim. */
  private final LinkedHashMap<String, List<Claim>> claims = new LinkedHashMap<>();
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

  /** The payers' claims on the transfer, oldest first. */
  public List<Claim> claimsOn(String transferKey) {
    return claims.getOrDefault(transferKey, List.of());
  }

  public int slotCount() {
    return slotsByPayAmount.size();
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
      case ClaimAwaitingTransfer e -> addClaim(new Claim(e.transfer().toString(), e.invoiceId(), e.at(), false));
      case ClaimRecorded e -> addClaim(new Claim(e.transfer().toString(), e.invoiceId(), e.at(), true));
    }
    return this;
  }

  /** One claim per (transfer, invoice): a recorded claim replaces the awaiting one it resolves. */
  private void addClaim(Claim claim) {
    List<Claim> onTransfer = new ArrayList<>(claims.getOrDefault(claim.transferKey(), List.of()));
    onTransfer.removeIf(c -> c.invoiceId().equals(claim.invoiceId()));
    onTransfer.add(claim);
    claims.put(claim.transferKey(), List.copyOf(onTransfer));
    pruneClaimsBefore(claim.at().minus(routedRetention));
  }

  public Snapshot toSnapshot() {
    return new Snapshot(List.copyOf(slotsByPayAmount.values()), List.copyOf(routed.values()),
        claims.values().stream().flatMap(List::stream).toList());
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
    if (snapshot.claims() != null) {
      snapshot.claims().forEach(c -> state.claims.computeIfAbsent(c.transferKey(), k -> new ArrayList<>()).add(c));
      state.claims.replaceAll((k, v) -> List.copyOf(v));
    }
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

  /** Claims are kept as long as routings: a transfer's claims go once its newest claim is that old. */
  private void pruneClaimsBefore(Instant cutoff) {
    Iterator<List<Claim>> oldestFirst = claims.values().iterator();
    while (oldestFirst.hasNext()) {
      List<Claim> onTransfer = oldestFirst.next();
      if (!onTransfer.get(onTransfer.size() - 1).at().isBefore(cutoff)) {
        return;
      }
      oldestFirst.remove();
    }
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
