package io.stablegate.engine.webhook;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * Starts the ping and completes once it is on its way (not when the merchant has answered). It goes
   * to the default endpoint and to every enabled further endpoint subscribed to {@code ping}, with one
   * id; the outcome's result is the default endpoint's (or the first further endpoint's without one).
   */
  public CompletionStage<Outcome> ping(UUID merchantId) {
    return endpoints.find(merchantId).thenCombine(endpoints.subscribed(merchantId, WebhookPayload.PING),
        Found::new).thenCompose(found -> {
          Optional<WebhookEndpoint> byDefault = found.byDefault();
          List<UUID> subscribed = found.subscribed();
          List<CompletableFuture<Optional<WebhookEndpoint>>> lookups = subscribed.stream()
              .map(id -> endpoints.find(merchantId, id).toCompletableFuture()).toList();
          return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<WebhookEndpoint> targets = new ArrayList<>();
            byDefault.filter(e -> !e.disabled() && !e.secrets().isEmpty()).ifPresent(targets::add);
            lookups.stream().map(CompletableFuture::join).flatMap(Optional::stream)
                .filter(e -> !e.disabled() && !e.secrets().isEmpty()).forEach(targets::add);
            if (targets.isEmpty()) {
              return refused(byDefault.isEmpty() && subscribed.isEmpty() ? Refusal.NO_ENDPOINT : Refusal.DISABLED);
            }
            UUID id = UUID.randomUUID();
            byte[] body = WebhookPayload.ping(id, clock.instant().truncatedTo(ChronoUnit.MILLIS)).toBytes();
            CompletionStage<AttemptResult> first = null;
            for (WebhookEndpoint endpoint : targets) {
              CompletionStage<AttemptResult> result =
                  sender.send(merchantId, endpoint.url(), id.toString(), body, endpoint.secrets());
              result.thenAccept(r -> log.info("Ping {} to an endpoint of merchant {}: {} {} in {} ms", id, merchantId,
                  r.verdict(), r.statusCode() == null ? r.error() : r.statusCode(), r.durationMs()));
              first = first == null ? result : first;
            }
            return new Outcome(Optional.of(id), Optional.empty(), first);
          });
        });
  }

  private record Found(Optional<WebhookEndpoint> byDefault, List<UUID> subscribed) {}

  private static Outcome refused(Refusal refusal) {
    return new Outcome(Optional.empty(), Optional.of(refusal),
        CompletableFuture.failedFuture(new IllegalStateException(refusal.name())));
  }
}
