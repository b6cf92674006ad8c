package io.stablegate.engine.invoice;

import io.stablegate.engine.serialization.CborSerializable;
import java.time.Instant;

/**
 * What one attempt to deliver a webhook event came to, as its invoice records it
 * ({@link InvoiceCommand.RecordWebhookAttempt}). The courier that sent it translates the transport's
 * own result into this, so that the invoice knows nothing of how a request is sent.
 *
 * @param statusCode the HTTP status of the answer, or null when none came (refused, timed out, …)
 * @param error why the attempt failed (a snippet of the answer's body for a non-2xx), null on success
 */
public record WebhookAttempt(Instant attemptedAt, Integer statusCode, String error, long durationMs, Verdict verdict)
    implements CborSerializable {

  /** What the invoice makes of the attempt. */
  public enum Verdict {
    /** Delivered (a 2xx answer). */
    DELIVERED,
    /** Failed: try again on schedule. */
    RETRY,
    /** The merchant removed the endpoint (410 Gone): stop. */
    GONE
  }
}
