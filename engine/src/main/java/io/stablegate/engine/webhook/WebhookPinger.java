package io.stablegate.engine.webhook;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/webhook/test}: one signed {@code ping} event, sent now, once. A ping concerns
 * no invoice, so it is not journaled or retried; its outcome is logged.
 */
public final class WebhookPinger {
  private static final Logger log = LoggerFactory.getLogger(WebhookPinger.class);

  /** Why no ping could be sent. */
  public enum Refusal {
    NO_ENDPOINT,
    DISABLED
  }

  /** The ping's id, or why none was sent. */
  public record Outcome(Optional<UUID> eventId, Optional<Refusal> refusal, CompletionStage<AttemptResult> result) {}

  private final WebhookEndpoints endpoints;
  private final WebhookSender sender;
  private final Clock clock;

  public WebhookPinger(WebhookDispatch dispatch) {
    this.endpoints = dispatch.endpoints();
    this.sender = dispatch.sender();
    this.clock = dispatch.clock();
  }

  /** Starts the ping and completes once it is on its way (not when the merchant has answered). */
  public CompletionStage<Outcome> ping(UUID merchantId) {
    return endpoints.find(merchantId).thenApply(found -> {
      if (found.isEmpty()) {
        return refused(Refusal.NO_ENDPOINT);
      }
      WebhookEndpoint endpoint = found.get();
      if (endpoint.disabled() || endpoint.secrets().isEmpty()) {
        return refused(Refusal.DISABLED);
      }
      UUID id = UUID.randomUUID();
      byte[] body = WebhookPayload.ping(id, clock.instant().truncatedTo(ChronoUnit.MILLIS)).toBytes();
      CompletionStage<AttemptResult> result =
          sender.send(merchantId, endpoint.url(), id.toString(), body, endpoint.secrets());
      result.thenAccept(r -> log.info("Ping {} to merchant {}: {} {} in {} ms", id, merchantId, r.verdict(),
          r.statusCode() == null ? r.error() : r.statusCode(), r.durationMs()));
      return new Outcome(Optional.of(id), Optional.empty(), result);
    });
  }

  private static Outcome refused(Refusal refusal) {
    return new Outcome(Optional.empty(), Optional.of(refusal),
        CompletableFuture.failedFuture(new IllegalStateException(refusal.name())));
  }
}
