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

  public Set<InvoiceStatus> legalNext() {
    return switch (this) {
      case PENDING -> EnumSet.of(CONFIRMING, EXPIRED, CANCELLED);
      case CONFIRMING -> EnumSet.of(PENDING, PAID);
      case EXPIRED, CANCELLED -> EnumSet.of(PAID);
      case PAID -> EnumSet.noneOf(InvoiceStatus.class);
    };
  }

  /** Whether moving from this status to {@code next} is legal; staying put always is. */
  public boolean canBecome(InvoiceStatus next) {
    return next == this || legalNext().contains(next);
  }
}
