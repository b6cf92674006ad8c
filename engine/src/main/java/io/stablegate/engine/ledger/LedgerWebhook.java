package io.stablegate.engine.ledger;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.serialization.CborSerializable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A webhook event of a wallet ledger, {@code transfer.unmatched}, and where its delivery stands; part
 * of the ledger's state (as an invoice keeps its own), so it survives passivation and node loss with
 * its id and its place in the retry schedule.
 *
 * @param transfer the unmatched transfer, the payload's {@code data.transfer}
 * @param candidates the payload's {@code data.candidates}
 * @param attempts attempts made so far
 * @param scheduleIndex failed attempts so far: the place in the retry schedule
 * @param nextAttemptAt when the next attempt is due, while {@code PENDING}
 */
public record LedgerWebhook(
    UUID eventId,
    Instant createdAt,
    Transfer transfer,
    List<UUID> candidates,
    Status status,
    int attempts,
    int scheduleIndex,
    Instant nextAttemptAt)
    implements CborSerializable {

  /** The wire name of the event type. */
  public static final String TYPE = "transfer.unmatched";

  public enum Status {
    PENDING,
    DELIVERED,
    FAILED
  }

  /**
   * What one attempt came to, in the ledger's terms: delivered (2xx), retry, or gone (410: stop).
   * {@code statusCode} null when no HTTP answer came; {@code error} null on success.
   */
  public record Attempt(Instant attemptedAt, Integer statusCode, String error, long durationMs, Verdict verdict)
      implements CborSerializable {
    public enum Verdict {
      DELIVERED,
      RETRY,
      GONE
    }
  }

  public LedgerWebhook {
    candidates = candidates == null ? List.of() : List.copyOf(candidates);
  }

  static LedgerWebhook pending(UUID eventId, Instant createdAt, Transfer transfer, List<UUID> candidates) {
    return new LedgerWebhook(eventId, createdAt, transfer, candidates, Status.PENDING, 0, 0, createdAt);
  }

  @JsonIgnore
  public boolean isPending() {
    return status == Status.PENDING;
  }

  LedgerWebhook attempted(int attempt, Status next, Instant nextAt) {
    int index = next == Status.PENDING ? scheduleIndex + 1 : scheduleIndex;
    return new LedgerWebhook(eventId, createdAt, transfer, candidates, next, attempt, index, nextAt);
  }
}
