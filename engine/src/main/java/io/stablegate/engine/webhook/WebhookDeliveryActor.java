package io.stablegate.engine.webhook;

import io.stablegate.engine.invoice.InvoiceCommand;
import io.stablegate.engine.webhook.AttemptResult.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Delivers one webhook event of one invoice (or of a wallet ledger: {@link DeliveryOwner}); a child
 * of that entity. Its whole memory is the owner's state: at every (re)start it asks the owner where
 * the delivery stands, waits for the attempt's slot ({@code nextAttemptAt}, persisted), sends, and has
 * the owner persist the outcome.
 * A failed attempt is a failure: the actor throws, and supervision ({@code restartWithBackoff})
 * starts it again, which brings it back to "ask, wait for the slot". Backoff guards against a crash
 * loop; the slot carries the retry schedule, which is not exponential. Delivered or failed for good,
 * it stops. It never blocks the invoice: every step is a message or a future.
 */
public final class WebhookDeliveryActor {
  private static final Logger log = LoggerFactory.getLogger(WebhookDeliveryActor.class);

  public sealed interface Message {}

  /** The delivery changed (a redelivery): read it again and wait for its new slot. */
  public enum Reload implements Message { INSTANCE }

  private record Loaded(Optional<WebhookDelivery> delivery) implements Message {}

  private enum Due implements Message { INSTANCE }

  private record Sent(AttemptResult result) implements Message {}

  private record Recorded(WebhookDelivery delivery) implements Message {}

  private record InvoiceUnavailable(Throwable error) implements Message {}

  /** A failed attempt or an unreachable invoice: what supervision restarts the actor for. */
  static final class DeliveryFailedException extends RuntimeException {
    DeliveryFailedException(String message) {
      super(message, null, false, false);
    }
  }

  public static Behavior<Message> create(ActorRef<InvoiceCommand> invoice, UUID invoiceId, UUID merchantId,
      UUID eventId, WebhookDispatch dispatch) {
    return Behaviors.setup(ctx -> create(DeliveryOwner.invoice(invoice, invoiceId, merchantId, dispatch.askTimeout(),
        ctx.getSystem().scheduler()), eventId, dispatch));
  }

  public static Behavior<Message> create(DeliveryOwner owner, UUID eventId, WebhookDispatch dispatch) {
    WebhookSettings s = dispatch.settings();
    Behavior<Message> delivering = Behaviors.supervise(Behaviors.<Message>setup(ctx -> Behaviors.<Message>withTimers(
            timers -> new WebhookDeliveryActor(ctx, timers, owner, eventId, dispatch).load())))
        .onFailure(DeliveryFailedException.class, backoff(s).withLogLevel(Level.DEBUG)); // logged above, at INFO
    // Anything else is a bug: logged as an error, and retried with the same backoff so that the
    // delivery does not sit without an actor until the sweeper comes by.
    return Behaviors.supervise(delivering).onFailure(Exception.class, backoff(s));
  }

  private static org.apache.pekko.actor.typed.BackoffSupervisorStrategy backoff(WebhookSettings s) {
    return SupervisorStrategy.restartWithBackoff(s.restartBackoffMin(), s.restartBackoffMax(), s.restartRandomFactor());
  }

  private final ActorContext<Message> context;
  private final TimerScheduler<Message> timers;
  private final DeliveryOwner owner;
  private final UUID eventId;
  private final WebhookDispatch dispatch;

  private WebhookDeliveryActor(ActorContext<Message> context, TimerScheduler<Message> timers, DeliveryOwner owner,
      UUID eventId, WebhookDispatch dispatch) {
    this.context = context;
    this.timers = timers;
    this.owner = owner;
    this.eventId = eventId;
    this.dispatch = dispatch;
  }

  private Behavior<Message> load() {
    context.pipeToSelf(owner.load(eventId),
        (loaded, error) -> loaded != null ? new Loaded(loaded) : new InvoiceUnavailable(error));
    return Behaviors.receive(Message.class)
        .onMessage(Loaded.class, loaded -> {
          Optional<WebhookDelivery> delivery = loaded.delivery();
          if (delivery.isEmpty() || !delivery.get().isPending()) {
            return Behaviors.stopped();
          }
          return waitForSlot(delivery.get());
        })
        .onMessage(InvoiceUnavailable.class, this::invoiceUnavailable)
        .build();
  }

  private Behavior<Message> waitForSlot(WebhookDelivery delivery) {
    Duration wait = Duration.between(dispatch.clock().instant(), delivery.nextAttemptAt());
    if (wait.isNegative() || wait.isZero()) {
      context.getSelf().tell(Due.INSTANCE);
    } else {
      timers.startSingleTimer(Due.INSTANCE, wait);
    }
    return Behaviors.receive(Message.class)
        .onMessageEquals(Due.INSTANCE, () -> send(delivery))
        .onMessageEquals(Reload.INSTANCE, () -> {
          timers.cancel(Due.INSTANCE);
          return load();
        })
        .build();
  }

  private Behavior<Message> send(WebhookDelivery delivery) {
    int attempt = delivery.attempts() + 1;
    context.pipeToSelf(attempt(delivery), (result, error) -> new Sent(result != null ? result
        : new AttemptResult(dispatch.clock().instant(), null, "internal error: " + error, 0, Verdict.RETRY)));
    return Behaviors.receive(Message.class)
        .onMessage(Sent.class, sent -> record(attempt, sent.result()))
        .build();
  }

  private CompletionStage<AttemptResult> attempt(WebhookDelivery delivery) {
    return owner.merchantId().thenCompose(merchant -> merchant.isEmpty()
        ? CompletableFuture.completedFuture(new AttemptResult(dispatch.clock().instant(), null,
            "no merchant owns this wallet", 0, Verdict.RETRY))
        : attempt(delivery, merchant.get()));
  }

  private CompletionStage<AttemptResult> attempt(WebhookDelivery delivery, UUID merchantId) {
    return dispatch.endpoints().find(merchantId).thenCompose(found -> {
      Instant now = dispatch.clock().instant();
      if (found.isEmpty()) {
        return CompletableFuture.completedFuture(
            new AttemptResult(now, null, "no webhook URL configured", 0, Verdict.RETRY));
      }
      WebhookEndpoint endpoint = found.get();
      if (endpoint.disabled()) {
        return CompletableFuture.completedFuture(
            new AttemptResult(now, null, "webhook endpoint disabled (it answered 410 Gone)", 0, Verdict.RETRY));
      }
      if (endpoint.secrets().isEmpty()) {
        return CompletableFuture.completedFuture(new AttemptResult(now, null, "no webhook secret", 0, Verdict.RETRY));
      }
      byte[] body = WebhookPayload.of(delivery, dispatch.publicUrl()).toBytes();
      return dispatch.sender().send(merchantId, endpoint.url(), eventId.toString(), body, endpoint.secrets());
    });
  }

  private Behavior<Message> record(int attempt, AttemptResult result) {
    if (result.verdict() == Verdict.GONE) {
      owner.merchantId().thenCompose(merchant -> merchant.isEmpty() ? CompletableFuture.completedFuture(null)
              : dispatch.endpoints().disable(merchant.get(), "the endpoint answered 410 Gone to webhook event " + eventId))
          .whenComplete((done, error) -> {
            if (error != null) {
              log.warn("Could not disable the webhook endpoint of {}: {}", owner.describe(), error.toString());
            }
          });
    }
    context.pipeToSelf(owner.record(eventId, attempt, result),
        (recorded, error) -> recorded != null ? new Recorded(recorded) : new InvoiceUnavailable(error));
    return Behaviors.receive(Message.class)
        .onMessage(Recorded.class, recorded -> {
          WebhookDelivery now = recorded.delivery();
          switch (now.status()) {
            case DELIVERED -> log.debug("Webhook event {} of {} delivered on attempt {}", eventId, owner.describe(),
                attempt);
            case FAILED -> log.warn("Webhook event {} of {} failed for good after attempt {}: {}", eventId,
                owner.describe(), attempt, result.error());
            case PENDING -> {
              log.info("Webhook event {} of {}: attempt {} failed ({}); next at {}", eventId, owner.describe(),
                  attempt, result.error(), now.nextAttemptAt());
              throw new DeliveryFailedException("attempt " + attempt + " of webhook event " + eventId + " failed");
            }
          }
          return Behaviors.stopped();
        })
        .onMessage(InvoiceUnavailable.class, this::invoiceUnavailable)
        .build();
  }

  private Behavior<Message> invoiceUnavailable(InvoiceUnavailable unavailable) {
    throw new DeliveryFailedException(owner.describe() + " did not answer for webhook event " + eventId + ": "
        + unavailable.error());
  }
}
