package io.stablegate.engine.webhook;

import io.stablegate.engine.serialization.CborSerializable;
import java.time.Instant;

/**
 * What one delivery attempt came to.
 *
 * @param statusCode the HTTP status of the answer, or null when none came (refused, timed out, …)
 * @param error why the attempt failed (a snippet of the answer's body for a non-2xx), null on success
 */
public record AttemptResult(Instant attemptedAt, Integer statusCode, String error, long durationMs, Verdict verdict)
    implements CborSerializable {

  public enum Verdict {
    /** A 2xx answer. */
    DELIVERED,
    /** Anything else: try again on schedule. */
    RETRY,
    /** 410 Gone: the merchant removed the endpoint; stop. */
    GONE
  }
}
