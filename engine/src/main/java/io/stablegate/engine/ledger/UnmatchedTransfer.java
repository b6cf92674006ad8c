package io.stablegate.engine.ledger;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.credit.Attribution;
import io.stablegate.engine.serialization.CborSerializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A final transfer to the wallet that paid no invoice, as its ledger keeps it: {@code OPEN} until the
 * merchant attaches it to an invoice ({@code ATTACHED}, with {@code invoiceId}, complete once {@code
 * creditedAt} is set) or dismisses it ({@code DISMISSED}, with {@code note}). {@code candidates} are
 * the invoices whose tolerance windows all held it; {@code claims} the payers' claims that it pays
 * one of their invoices (never a credit by itself).
 */
public record UnmatchedTransfer(
    Transfer transfer,
    State state,
    List<UUID> candidates,
    List<Claim> claims,
    Instant recordedAt,
    UUID invoiceId,
    UUID requestId,
    Attribution resolvedBy,
    Instant resolvedAt,
    String note,
    Instant creditedAt)
    implements CborSerializable {

  public enum State {
    OPEN,
    ATTACHED,
    DISMISSED;

    /** The API's spelling: {@code open}, {@code attached}, {@code dismissed}. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A payer said, on the checkout page of {@code invoiceId}, that this transfer pays it. */
  public record Claim(UUID invoiceId, Instant at) implements CborSerializable {}

  public UnmatchedTransfer {
    candidates = candidates == null ? List.of() : List.copyOf(candidates);
    claims = claims == null ? List.of() : List.copyOf(claims);
  }

  static UnmatchedTransfer open(Transfer transfer, List<UUID> candidates, Instant at) {
    return new UnmatchedTransfer(transfer, State.OPEN, candidates, List.of(), at, null, null, null, null, null, null);
  }

  /** Attached, but the invoice has not confirmed the credit yet: the attach must be completed. */
  @JsonIgnore
  public boolean awaitingCredit() {
    return state == State.ATTACHED && creditedAt == null;
  }

  UnmatchedTransfer attached(UUID invoice, UUID request, Attribution by, Instant at) {
    return new UnmatchedTransfer(transfer, State.ATTACHED, candidates, claims, recordedAt, invoice, request, by, at,
        null, null);
  }

  UnmatchedTransfer credited(Instant at) {
    return new UnmatchedTransfer(transfer, state, candidates, claims, recordedAt, invoiceId, requestId, resolvedBy,
        resolvedAt, note, at);
  }

  UnmatchedTransfer dismissed(String reason, UUID request, Attribution by, Instant at) {
    return new UnmatchedTransfer(transfer, State.DISMISSED, candidates, claims, recordedAt, null, request, by, at,
        reason, null);
  }

  /** With one more claim (a claim for an invoice already listed is kept once). */
  public UnmatchedTransfer withClaim(Claim claim) {
    if (claims.stream().anyMatch(c -> c.invoiceId().equals(claim.invoiceId()))) {
      return this;
    }
    List<Claim> next = new ArrayList<>(claims);
    next.add(claim);
    return new UnmatchedTransfer(transfer, state, candidates, next, recordedAt, invoiceId, requestId, resolvedBy,
        resolvedAt, note, creditedAt);
  }
}
