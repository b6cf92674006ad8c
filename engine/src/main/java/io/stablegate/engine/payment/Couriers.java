package io.stablegate.engine.payment;

import io.stablegate.engine.webhook.AttemptResult;
import io.stablegate.engine.webhook.AttemptResult.Verdict;
import io.stablegate.engine.webhook.WebhookDeliverySettings;
import io.stablegate.engine.webhook.WebhookEndpoint;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.event.Level;

/**
 * What the two webhook couriers share ({@link WebhookDeliveryActor} for an invoice's events,
 * {@link UnmatchedTransferCourierActor} for a ledger's {@code transfer.unmatched}): their retries come from
 * supervision, and they refuse to send to an endpoint that cannot take the event yet in the same words.
 */
final class Couriers {
  private Couriers() {}

  /** A failed attempt or an owner (invoice, ledger) that did not answer: what supervision restarts a courier for. */
  static final class DeliveryFailedException extends RuntimeException {
    DeliveryFailedException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * {@code courier} restarted with the settings' backoff when it throws: after a failed attempt (which the
   * courier has logged at INFO, so supervision logs it at DEBUG), and after anything else, a bug, logged as
   * an error and retried the same way so that the delivery does not sit without an actor until the sweeper
   * comes by. Each restart reads the delivery again and waits for its persisted slot.
   */
  static <M> Behavior<M> supervised(Behavior<M> courier, WebhookDeliverySettings settings) {
    BackoffSupervisorStrategy backoff = SupervisorStrategy.restartWithBackoff(settings.restartBackoffMin(),
        settings.restartBackoffMax(), settings.restartRandomFactor());
    Behavior<M> delivering = Behaviors.supervise(courier)
        .onFailure(DeliveryFailedException.class, backoff.withLogLevel(Level.DEBUG));
    return Behaviors.supervise(delivering).onFailure(Exception.class, backoff);
  }

  /**
   * Why the merchant's endpoint cannot take an event now (none configured, disabled after a 410, no secret
   * to sign with) as an attempt to retry later; empty when it can.
   */
  static Optional<AttemptResult> notSendable(Optional<WebhookEndpoint> found, Instant now) {
    String reason = found.isEmpty() ? "no webhook URL configured"
        : found.get().disabled() ? "webhook endpoint disabled (it answered 410 Gone)"
        : found.get().secrets().isEmpty() ? "no webhook secret"
        : null;
    return Optional.ofNullable(reason).map(why -> new AttemptResult(now, null, why, 0, Verdict.RETRY));
  }
}
