package io.stablegate.engine.invoice;

import java.util.EnumSet;
import java.util.Set;

/** The lifecycle of docs/api.md (Statuses) and the only transitions it allows. */
public enum InvoiceStatus {
  /** Nothing seen yet. */
  PENDING,
  /** A matching transfer was seen and is not final yet. */
  CONFIRMING,
  /** Credits cover what was due (within the merchant's underpayment tolerance). */
  PAID,
  /**
   * Some credit was attached by the merchant but not enough: the remainder is due, at a fresh
   * payAmount. Expires like PENDING.
   */
  PARTIALLY_PAID,
  /** The window closed unpaid; a late transfer can still make it PAID. */
  EXPIRED,
  /** Cancelled by the merchant while PENDING; a late transfer can still make it PAID. */
  CANCELLED;

  public boolean isOpen() {
    return this == PENDING || this == CONFIRMING || this == PARTIALLY_PAID;
  }

  /** Waiting for (more) payment within its window: what expires when the window closes. */
  public boolean canExpire() {
    return this == PENDING || this == PARTIALLY_PAID;
  }

  public Set<InvoiceStatus> legalNext() {
    return switch (this) {
      case PENDING -> EnumSet.of(CONFIRMING, EXPIRED, CANCELLED, PAID, PARTIALLY_PAID);
      case CONFIRMING -> EnumSet.of(PENDING, PAID, PARTIALLY_PAID);
      case PARTIALLY_PAID -> EnumSet.of(PAID, EXPIRED);
      case EXPIRED, CANCELLED -> EnumSet.of(PAID);
      case PAID -> EnumSet.noneOf(InvoiceStatus.class);
    };
  }

  /** Whether moving from this status to {@code next} is legal; staying put always is. */
  public boolean canBecome(InvoiceStatus next) {
    return next == this || legalNext().contains(next);
  }
}
