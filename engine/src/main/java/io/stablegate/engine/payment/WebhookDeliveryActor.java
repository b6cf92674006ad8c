package io.stablegate.engine.payment;

import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceCommand;
import io.stablegate.engine.invoice.InvoiceView;
import io.stablegate.engine.invoice.WebhookAttempt;
import io.stablegate.engine.invoice.WebhookCourier;
import io.stablegate.engine.invoice.WebhookCourier.Message;
import io.stablegate.engine.invoice.WebhookCourier.Reload;
import io.stablegate.engine.invoice.WebhookDelivery;
import io.stablegate.engine.payment.Couriers.DeliveryFailedException;
import io.stablegate.engine.webhook.AttemptResult;
import io.stablegate.engine.webhook.AttemptResult.Verdict;
import io.stablegate.engine.webhook.WebhookDispatch;
import io.stablegate.engine.webhook.WebhookEndpoint;
import io.stablegate.engine.webhook.WebhookPayload;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link WebhookCourier} of a node: delivers one webhook event of one invoice over the
 * {@code webhook} transport; a child of the invoice entity. Its whole memory is the
 * invoice's state: at every (re)start it asks the invoice where the delivery stands, waits for the
 * attempt's slot ({@code nextAttemptAt}, persisted), sends, and has the invoice persist the outcome.
 * A failed attempt is a failure: the actor throws, and supervision ({@code restartWithBackoff})
 * starts it again, which brings it back to "ask, wait for the slot". Backoff guards against a crash
 * loop; the slot carries the retry schedule, which is not exponential. Delivered or failed for good,
 * it stops. It never blocks the invoice: every step is a message or a future.
 */
public final class WebhookDeliveryActor {
  private static final Logger log = LoggerFactory.getLogger(WebhookDeliveryActor.class);

  private record Loaded(Invoice invoice) implements Message {}

  private enum Due implements Message { INSTANCE }

  private record Sent(AttemptResult result) implements Message {}

  private record Recorded(Invoice invoice) implements Message {}

  private record Resolved(List<UUID> endpointIds) implements Message {}

  private record InvoiceUnavailable(Throwable error) implements Message {}

  /** The couriers of a node that sends with {@code dispatch}: hand this to {@code InvoiceEntity.init}. */
  public static WebhookCourier courier(WebhookDispatch dispatch) {
    return (invoice, invoiceId, merchantId, eventId, endpointId) ->
        create(invoice, invoiceId, merchantId, eventId, endpointId, dispatch);
  }

  private static Behavior<Message> create(ActorRef<InvoiceCommand> invoice, UUID invoiceId,
      UUID merchantId, UUID eventId, UUID endpointId, WebhookDispatch dispatch) {
    return Couriers.supervised(Behaviors.<Message>setup(
        ctx -> Behaviors.<Message>withTimers(
            timers -> new WebhookDeliveryActor(ctx, timers, invoice, invoiceId, merchantId, eventId, endpointId, dispatch)
                .load())),
        dispatch.settings());
  }

  private final ActorContext<Message> context;
  private final TimerScheduler<Message> timers;
  private final ActorRef<InvoiceCommand> invoice;
  private final UUID invoiceId;
  private final UUID merchantId;
  private final UUID eventId;
  private final UUID endpointId;
  private final WebhookDispatch dispatch;

  private WebhookDeliveryActor(ActorContext<Message> context, TimerScheduler<Message> timers,
      ActorRef<InvoiceCommand> invoice, UUID invoiceId, UUID merchantId, UUID eventId, UUID endpointId,
      WebhookDispatch dispatch) {
    this.context = context;
    this.timers = timers;
    this.invoice = invoice;
    this.invoiceId = invoiceId;
    this.merchantId = merchantId;
    this.eventId = eventId;
    this.endpointId = endpointId;
    this.dispatch = dispatch;
  }

  private Behavior<Message> load() {
    context.askWithStatus(Invoice.class, invoice, dispatch.askTimeout(), InvoiceCommand.Get::new,
        (loaded, error) -> loaded != null ? new Loaded(loaded) : new InvoiceUnavailable(error));
    return Behaviors.receive(Message.class)
        .onMessage(Loaded.class, loaded -> {
          Optional<WebhookDelivery> delivery = loaded.invoice().webhook(eventId, endpointId);
          if (delivery.isEmpty() || !delivery.get().isPending()) {
            return Behaviors.stopped();
          }
          if (delivery.get().isDefaultEndpoint() && !delivery.get().endpointsResolved()) {
            return resolveEndpoints(loaded.invoice(), delivery.get());
          }
          return waitForSlot(loaded.invoice(), delivery.get());
        })
        .onMessage(InvoiceUnavailable.class, this::invoiceUnavailable)
        .build();
  }

  /**
   * Before the default delivery's first attempt: the merchant's further endpoints subscribed to the
   * event's type get their own deliveries. The default delivery stays pending until that is recorded,
   * so a crash in between is resumed like any pending delivery. When none subscribes, nothing is
   * recorded (the journal keeps only facts), and the lookup is repeated before every attempt
   * until one does or the default delivery ends.
   */
  private Behavior<Message> resolveEndpoints(Invoice invoiceNow, WebhookDelivery delivery) {
    context.pipeToSelf(dispatch.endpoints().subscribed(merchantId, delivery.type().wireName()),
        (ids, error) -> ids != null ? new Resolved(ids) : new InvoiceUnavailable(error));
    return Behaviors.receive(Message.class)
        .onMessage(Resolved.class, resolved -> {
          if (resolved.endpointIds().isEmpty()) {
            // nothing to record: the journal stays as it was; a restart before the first attempt asks again
            return waitForSlot(invoiceNow, delivery);
          }
          context.askWithStatus(Invoice.class, invoice, dispatch.askTimeout(),
              replyTo -> new InvoiceCommand.ResolveWebhookEndpoints(eventId, resolved.endpointIds(), replyTo),
              (recorded, error) -> recorded != null ? new Loaded(recorded) : new InvoiceUnavailable(error));
          return Behaviors.receive(Message.class)
              .onMessage(Loaded.class, loaded -> {
                WebhookDelivery now = loaded.invoice().webhook(eventId).orElseThrow();
                return now.isPending() ? waitForSlot(loaded.invoice(), now) : Behaviors.stopped();
              })
              .onMessage(InvoiceUnavailable.class, this::invoiceUnavailable)
              .build();
        })
        .onMessage(InvoiceUnavailable.class, this::invoiceUnavailable)
        .build();
  }

  private Behavior<Message> waitForSlot(Invoice invoice, WebhookDelivery delivery) {
    Duration wait = Duration.between(dispatch.clock().instant(), delivery.nextAttemptAt());
    if (wait.isNegative() || wait.isZero()) {
      context.getSelf().tell(Due.INSTANCE);
    } else {
      timers.startSingleTimer(Due.INSTANCE, wait);
    }
    return Behaviors.receive(Message.class)
        .onMessageEquals(Due.INSTANCE, () -> send(invoice, delivery))
        .onMessageEquals(Reload.INSTANCE, () -> {
          timers.cancel(Due.INSTANCE);
          return load();
        })
        .build();
  }

  private Behavior<Message> send(Invoice invoice, WebhookDelivery delivery) {
    int attempt = delivery.attempts() + 1;
    context.pipeToSelf(attempt(invoice, delivery), (result, error) -> new Sent(result != null ? result
        : new AttemptResult(dispatch.clock().instant(), null, "internal error: " + error, 0, Verdict.RETRY)));
    return Behaviors.receive(Message.class)
        .onMessage(Sent.class, sent -> record(attempt, sent.result()))
        .build();
  }

  private CompletionStage<AttemptResult> attempt(Invoice invoice, WebhookDelivery delivery) {
    boolean byDefault = delivery.isDefaultEndpoint();
    CompletionStage<Optional<WebhookEndpoint>> lookup =
        byDefault ? dispatch.endpoints().find(merchantId) : dispatch.endpoints().find(merchantId, endpointId);
    return lookup.thenCompose(found -> {
      Instant now = dispatch.clock().instant();
      if (found.isEmpty() && !byDefault) {
        // the merchant deleted the endpoint: nothing to retry
        return CompletableFuture.completedFuture(
            new AttemptResult(now, null, "webhook endpoint " + endpointId + " was deleted", 0, Verdict.GONE));
      }
      Optional<AttemptResult> notSendable = Couriers.notSendable(found, now);
      if (notSendable.isPresent()) {
        return CompletableFuture.completedFuture(notSendable.get());
      }
      WebhookEndpoint endpoint = found.get();
      byte[] body = payload(invoice, delivery, dispatch.publicUrl()).toBytes();
      return dispatch.sender().send(merchantId, endpoint.url(), eventId.toString(), body, endpoint.secrets());
    });
  }

  /**
   * The body of {@code delivery}'s event: {@code data.invoice} is the invoice as of the event (see
   * {@link WebhookDelivery}), so every attempt carries the same content.
   */
  public static WebhookPayload payload(Invoice invoice, WebhookDelivery delivery, String publicUrl) {
    return new WebhookPayload(delivery.eventId().toString(), delivery.type().wireName(), delivery.createdAt(),
        invoice.livemode(), Map.of("invoice", InvoiceView.of(invoice.atEvent(delivery), publicUrl)));
  }

  /** The transport's result in the invoice's terms. */
  private static WebhookAttempt recorded(AttemptResult result) {
    WebhookAttempt.Verdict verdict = switch (result.verdict()) {
      case DELIVERED -> WebhookAttempt.Verdict.DELIVERED;
      case RETRY -> WebhookAttempt.Verdict.RETRY;
      case GONE -> WebhookAttempt.Verdict.GONE;
    };
    return new WebhookAttempt(result.attemptedAt(), result.statusCode(), result.error(), result.durationMs(), verdict);
  }

  private Behavior<Message> record(int attempt, AttemptResult result) {
    if (result.verdict() == Verdict.GONE && result.statusCode() != null) {
      String reason = "the endpoint answered 410 Gone to webhook event " + eventId;
      (WebhookDelivery.DEFAULT_ENDPOINT.equals(endpointId)
          ? dispatch.endpoints().disable(merchantId, reason)
          : dispatch.endpoints().disable(merchantId, endpointId, reason))
          .whenComplete((done, error) -> {
            if (error != null) {
              log.warn("Could not disable webhook endpoint {} of merchant {}: {}", endpointId, merchantId,
                  error.toString());
            }
          });
    }
    context.askWithStatus(Invoice.class, invoice, dispatch.askTimeout(),
        replyTo -> new InvoiceCommand.RecordWebhookAttempt(eventId, endpointId, attempt, recorded(result), replyTo),
        (recorded, error) -> recorded != null ? new Recorded(recorded) : new InvoiceUnavailable(error));
    return Behaviors.receive(Message.class)
        .onMessage(Recorded.class, recorded -> {
          WebhookDelivery now = recorded.invoice().webhook(eventId, endpointId).orElseThrow();
          switch (now.status()) {
            case DELIVERED -> log.debug("Webhook event {} of invoice {} delivered on attempt {}", eventId, invoiceId,
                attempt);
            case FAILED -> log.warn("Webhook event {} of invoice {} failed for good after attempt {}: {}", eventId,
                invoiceId, attempt, result.error());
            case PENDING -> {
              log.info("Webhook event {} of invoice {}: attempt {} failed ({}); next at {}", eventId, invoiceId,
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
    throw new DeliveryFailedException("invoice " + invoiceId + " did not answer for webhook event " + eventId + ": "
        + unavailable.error());
  }
}
