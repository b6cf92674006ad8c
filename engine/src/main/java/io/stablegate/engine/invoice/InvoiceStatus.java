package io.stablegate.engine.invoice;

import java.util.EnumSet;
import java.util.Set;

/** The lifecycle of docs/api.md (Statuses) and the only transitions it allows. */
public enum InvoiceStatus {
  /** Nothing seen yet. */
  PENDING,
  /** A matching transfer was seen and is not final yet. */
  CONFIRMING,
  /** Final transfers cover the payAmount. */
  PAID,
  /** The window closed unpaid; a late transfer can still make it PAID. */
  EXPIRED,
  /** Cancelled by the merchant while PENDING; a late transfer can still make it PAID. */
  CANCELLED;

  public boolean isOpen() {
    return this == PENDING || this == CONFIRMING;
  }

  /**
   * The statuses this one may move to: the one definition of the lifecycle. The entity refuses a
   * command that would go elsewhere, {@link Invoice#apply} refuses such an event (so none can be
   * persisted), and the audit replays with that same {@code apply}.
   */
  public Set<InvoiceStatus> legalNext() {
    return switch (this) {
      case PENDING -> EnumSet.of(CONFIRMING, EXPIRED, CANCELLED);
      case CONFIRMING -> EnumSet.of(PENDING, PAID);
      case EXPIRED, CANCELLED -> EnumSet.of(PAID);
      case PAID -> EnumSet.noneOf(InvoiceStatus.class);
    };
  }

  /** Whether moving from this status to another, {@code next}, is legal. */
  public boolean canMoveTo(InvoiceStatus next) {
    return legalNext().contains(next);
  }

  /** Whether an event may leave the invoice in {@code next}: a legal move, or staying put. */
  public boolean canBecome(InvoiceStatus next) {
    return next == this || canMoveTo(next);
  }
}
