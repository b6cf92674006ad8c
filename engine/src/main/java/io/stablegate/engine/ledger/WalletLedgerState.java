package io.stablegate.engine.ledger;

import io.stablegate.engine.credit.PaymentSource;
import io.stablegate.engine.credit.Tolerance;
import io.stablegate.engine.ledger.WalletLedgerEvent.ClaimAwaitingTransfer;
import io.stablegate.engine.ledger.WalletLedgerEvent.ClaimRecorded;
import io.stablegate.engine.ledger.WalletLedgerEvent.LedgerWebhookAttempted;
import io.stablegate.engine.ledger.WalletLedgerEvent.PayAmountAllocated;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferAttached;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferCredited;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferDismissed;
import io.stablegate.engine.ledger.WalletLedgerEvent.PayAmountReleased;
import io.stablegate.engine.ledger.WalletLedgerEvent.TransferRouted;
import io.stablegate.engine.ledger.WalletLedgerEvent.UnmatchedTransferRecorded;
import io.stablegate.engine.serialization.CborSerializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The slots, recent routings, unmatched transfers and webhook events of one wallet. Deliberately mutable: a busy wallet holds thousands
 * of slots, and copying them on every event would make allocation quadratic. It is changed only by
 * {@link #apply} (the event handler), and {@link #toPackedSnapshot()} hands the snapshot store an
 * immutable copy, so nothing else ever sees it change.
 */
public final class WalletLedgerState {

  /**
   * A reserved payAmount; {@code due} what its invoice waits for (null: the payAmount),
   * {@code tolerancePercent} the invoice's underpayment tolerance (null: 0).
   */
  public record Slot(UUID invoiceId, BigDecimal payAmount, Instant allocatedAt, Instant holdUntil, BigDecimal due,
      BigDecimal tolerancePercent) implements CborSerializable {
    public Slot {
      due = due == null ? payAmount : due;
    }

    Slot heldUntil(Instant until) {
      return new Slot(invoiceId, payAmount, allocatedAt, until, due, tolerancePercent);
    }
  }

  /** How a transfer was routed, and whether it was kept as unmatched once final. */
  public record RoutedTransfer(String transferKey, UUID invoiceId, Instant at, boolean recordedUnmatched,
      List<UUID> candidates, PaymentSource source) implements CborSerializable {
    public RoutedTransfer {
      candidates = candidates == null ? List.of() : List.copyOf(candidates);
      source = invoiceId == null ? null : source == null ? PaymentSource.MATCHED : source;
    }
  }

  /** A payer's claim on a transfer the ledger does not keep as unmatched yet. */
  public record AwaitingClaim(String transferKey, UUID invoiceId, Instant at) implements CborSerializable {}

  /**
   * The immutable form of the state, as snapshots were stored before {@link PackedSnapshot} (they are
   * still read); lists added later are null in older snapshots.
   */
  public record Snapshot(List<Slot> slots, List<RoutedTransfer> routed, List<UnmatchedTransfer> unmatched,
      List<LedgerWebhook> webhooks, List<AwaitingClaim> awaitingClaims) implements CborSerializable {}

  /**
   * What is stored as a snapshot: {@link Snapshot} with the slots packed into bytes ({@link
   * SlotPacking}), as a wallet may hold a hundred thousand of them and each snapshot and recovery
   * writes or reads them all.
   */
  public record PackedSnapshot(byte[] slots, List<RoutedTransfer> routed, List<UnmatchedTransfer> unmatched,
      List<LedgerWebhook> webhooks, List<AwaitingClaim> awaitingClaims) implements CborSerializable {}

  /** The open slots, in allocation order, found by payAmount and by invoice ({@link SlotTable}). */
  private final SlotTable slots;
  private final LinkedHashMap<String, RoutedTransfer> routed = new LinkedHashMap<>();
  /** Unmatched transfers are kept for good (they are the merchant's to resolve), by transfer key. */
  private final LinkedHashMap<String, UnmatchedTransfer> unmatched = new LinkedHashMap<>();
  /** Claims on transfers not (yet) kept as unmatched, by transfer key, in the order of their first claim. */
  private final LinkedHashMap<String, List<AwaitingClaim>> awaitingClaims = new LinkedHashMap<>();
  /** This ledger's webhook events ({@code transfer.unmatched}) and their delivery. */
  private final LinkedHashMap<UUID, LedgerWebhook> webhooks = new LinkedHashMap<>();
  private final Duration routedRetention;
  private int pruneAtSize = 1024;

  public WalletLedgerState(Duration routedRetention) {
    this(routedRetention, 0);
  }

  /** Room for {@code slots} slots without rehashing (recovery from a snapshot holding that many). */
  private WalletLedgerState(Duration routedRetention, int slots) {
    this.routedRetention = routedRetention;
    this.slots = new SlotTable(slots);
  }

  /** The slot holding {@code payAmount} at {@code time}, if one does. */
  public Optional<Slot> reservedSlot(BigDecimal payAmount, Instant time) {
    int row = slots.rowOfAmount(payAmount);
    return row >= 0 && slots.heldAfter(row, time) ? Optional.of(slots.slotAt(row)) : Optional.empty();
  }

  public Optional<Slot> slotOf(UUID invoiceId) {
    int row = slots.rowOfInvoice(invoiceId);
    return row >= 0 ? Optional.of(slots.slotAt(row)) : Optional.empty();
  }

  public Optional<RoutedTransfer> routed(String transferKey) {
    return Optional.ofNullable(routed.get(transferKey));
  }

  /**
   * The slots whose tolerance window {@code [due × (1 − t/100), due)} holds {@code amount} at {@code
   * time}, and that were allocated no later than {@code time} plus {@code skew}.
   */
  public List<Slot> toleranceWindowsHolding(BigDecimal amount, Instant time, Duration skew) {
    Instant allocatedBy = time.plus(skew);
    List<Slot> holding = new ArrayList<>();
    for (int row = 0; row < slots.rowLimit(); row++) {
      // a slot without tolerance has no window: only those with one are looked at closer
      if (slots.isLive(row) && slots.hasTolerance(row) && slots.heldAfter(row, time) && slots.allocatedBy(row, allocatedBy)) {
        Slot slot = slots.slotAt(row);
        if (Tolerance.inWindow(amount, slot.due(), slot.tolerancePercent())) {
          holding.add(slot);
        }
      }
    }
    holding.sort(java.util.Comparator.comparing(Slot::allocatedAt).thenComparing(Slot::invoiceId));
    return holding;
  }

  public Optional<UnmatchedTransfer> unmatched(String transferKey) {
    return Optional.ofNullable(unmatched.get(transferKey));
  }

  /** Every unmatched transfer, oldest first. */
  public List<UnmatchedTransfer> unmatchedTransfers() {
    return List.copyOf(unmatched.values());
  }

  /** The claims waiting for the transfer to be kept as unmatched, oldest first. */
  public List<AwaitingClaim> awaitingClaims(String transferKey) {
    return awaitingClaims.getOrDefault(transferKey, List.of());
  }

  public Optional<LedgerWebhook> webhook(UUID eventId) {
    return Optional.ofNullable(webhooks.get(eventId));
  }

  public List<LedgerWebhook> pendingWebhooks() {
    return webhooks.values().stream().filter(LedgerWebhook::isPending).toList();
  }

  public int slotCount() {
    return slots.size();
  }

  public WalletLedgerState apply(WalletLedgerEvent event) {
    switch (event) {
      case PayAmountAllocated e -> {
        int previous = slots.rowOfInvoice(e.invoiceId());
        if (previous >= 0) {
          slots.remove(previous); // a remainder's payAmount replaces the invoice's earlier one
        }
        int taken = slots.rowOfAmount(e.payAmount());
        if (taken >= 0) {
          slots.remove(taken);
        }
        slots.append(e.invoiceId().getMostSignificantBits(), e.invoiceId().getLeastSignificantBits(), e.payAmount(),
            e.at().getEpochSecond(), e.at().getNano(), e.holdUntil().getEpochSecond(), e.holdUntil().getNano(),
            e.due(), e.tolerancePercent());
        if (slots.size() > pruneAtSize) {
          slots.removeHeldUntil(e.at());
          pruneAtSize = Math.max(1024, 2 * slots.size());
        }
      }
      case PayAmountReleased e -> {
        int row = slots.rowOfAmount(e.payAmount());
        if (row >= 0 && slots.invoiceId(row).equals(e.invoiceId())) {
          if (e.holdUntil() == null) {
            slots.remove(row);
          } else {
            slots.setHoldUntil(row, e.holdUntil());
          }
        }
      }
      case TransferRouted e -> {
        routed.put(e.transfer().key().toString(),
            new RoutedTransfer(e.transfer().key().toString(), e.invoiceId(), e.at(), false, e.candidates(),
                e.source()));
        pruneRoutedBefore(e.at().minus(routedRetention));
      }
      case UnmatchedTransferRecorded e -> {
        String key = e.transfer().key().toString();
        routed.put(key, new RoutedTransfer(key, null, e.at(), true, e.candidates(), null));
        unmatched.putIfAbsent(key, UnmatchedTransfer.open(e.transfer(), e.candidates(), e.at()));
        if (e.webhookEventId() != null) {
          webhooks.put(e.webhookEventId(), LedgerWebhook.pending(e.webhookEventId(), e.at(), e.transfer(),
              e.candidates()));
        }
      }
      case UnmatchedTransferAttached e -> unmatched.computeIfPresent(e.transfer().toString(),
          (k, u) -> u.attached(e.invoiceId(), e.requestId(), e.attachedBy(), e.at()));
      case UnmatchedTransferCredited e -> unmatched.computeIfPresent(e.transfer().toString(),
          (k, u) -> u.credited(e.at()));
      case UnmatchedTransferDismissed e -> unmatched.computeIfPresent(e.transfer().toString(),
          (k, u) -> u.dismissed(e.note(), e.requestId(), e.dismissedBy(), e.at()));
      case ClaimAwaitingTransfer e -> {
        String key = e.transfer().toString();
        List<AwaitingClaim> claims = new ArrayList<>(awaitingClaims.getOrDefault(key, List.of()));
        claims.removeIf(c -> c.invoiceId().equals(e.invoiceId()));
        claims.add(new AwaitingClaim(key, e.invoiceId(), e.at()));
        awaitingClaims.put(key, List.copyOf(claims));
        pruneAwaitingClaimsBefore(e.at().minus(routedRetention));
      }
      case ClaimRecorded e -> {
        String key = e.transfer().toString();
        unmatched.computeIfPresent(key, (k, u) -> u.withClaim(new UnmatchedTransfer.Claim(e.invoiceId(), e.at())));
        awaitingClaims.computeIfPresent(key, (k, claims) -> {
          List<AwaitingClaim> left = claims.stream().filter(c -> !c.invoiceId().equals(e.invoiceId())).toList();
          return left.isEmpty() ? null : left;
        });
      }
      case LedgerWebhookAttempted e -> webhooks.computeIfPresent(e.webhookEventId(),
          (k, w) -> w.attempted(e.attempt(), e.outcome(), e.nextAttemptAt()));
    }
    return this;
  }

  public Snapshot toSnapshot() {
    List<Slot> inOrder = new ArrayList<>(slots.size());
    for (int row = 0; row < slots.rowLimit(); row++) {
      if (slots.isLive(row)) {
        inOrder.add(slots.slotAt(row));
      }
    }
    return new Snapshot(List.copyOf(inOrder), List.copyOf(routed.values()),
        List.copyOf(unmatched.values()), List.copyOf(webhooks.values()),
        awaitingClaims.values().stream().flatMap(List::stream).toList());
  }

  /** The form stored as a snapshot. */
  public PackedSnapshot toPackedSnapshot() {
    return new PackedSnapshot(SlotPacking.pack(slots), List.copyOf(routed.values()),
        List.copyOf(unmatched.values()), List.copyOf(webhooks.values()),
        awaitingClaims.values().stream().flatMap(List::stream).toList());
  }

  /** The state a stored snapshot holds: a {@link PackedSnapshot}, or a {@link Snapshot} stored before them. */
  public static WalletLedgerState fromStored(Object stored, Duration routedRetention) {
    return switch (stored) {
      case PackedSnapshot p -> {
        WalletLedgerState state = new WalletLedgerState(routedRetention, SlotPacking.count(p.slots()));
        SlotPacking.unpack(p.slots(), state.slots);
        yield state.withRest(p.routed(), p.unmatched(), p.webhooks(), p.awaitingClaims());
      }
      case Snapshot s -> fromSnapshot(s, routedRetention);
      default -> throw new IllegalArgumentException("not a wallet ledger snapshot: " + stored.getClass().getName());
    };
  }

  public static WalletLedgerState fromSnapshot(Snapshot snapshot, Duration routedRetention) {
    WalletLedgerState state = new WalletLedgerState(routedRetention, snapshot.slots().size());
    snapshot.slots().forEach(state::putSlot);
    return state.withRest(snapshot.routed(), snapshot.unmatched(), snapshot.webhooks(), snapshot.awaitingClaims());
  }

  private void putSlot(Slot slot) {
    int previous = slots.rowOfInvoice(slot.invoiceId());
    if (previous >= 0) {
      slots.remove(previous);
    }
    int taken = slots.rowOfAmount(slot.payAmount());
    if (taken >= 0) {
      slots.remove(taken);
    }
    slots.append(slot);
  }

  private WalletLedgerState withRest(List<RoutedTransfer> routedTransfers, List<UnmatchedTransfer> unmatchedTransfers,
      List<LedgerWebhook> webhookEvents, List<AwaitingClaim> claims) {
    List<RoutedTransfer> inOrder = new ArrayList<>(routedTransfers);
    inOrder.sort(java.util.Comparator.comparing(RoutedTransfer::at));
    inOrder.forEach(r -> routed.put(r.transferKey(), r));
    if (unmatchedTransfers != null) {
      unmatchedTransfers.forEach(u -> unmatched.put(u.transfer().key().toString(), u));
    }
    if (webhookEvents != null) {
      webhookEvents.forEach(w -> webhooks.put(w.eventId(), w));
    }
    if (claims != null) {
      claims.forEach(c -> awaitingClaims.computeIfAbsent(c.transferKey(), k -> new ArrayList<>()).add(c));
      awaitingClaims.replaceAll((k, v) -> List.copyOf(v));
    }
    return this;
  }

  /** Awaiting claims are kept as long as routings: a transfer's go once its newest claim is that old. */
  private void pruneAwaitingClaimsBefore(Instant cutoff) {
    Iterator<List<AwaitingClaim>> oldestFirst = awaitingClaims.values().iterator();
    while (oldestFirst.hasNext()) {
      List<AwaitingClaim> claims = oldestFirst.next();
      if (!claims.get(claims.size() - 1).at().isBefore(cutoff)) {
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
