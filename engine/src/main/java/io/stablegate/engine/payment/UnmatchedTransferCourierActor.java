package io.stablegate.engine.payment;

import io.stablegate.engine.chain.Transfer;
import io.stablegate.engine.invoice.WebhookRetrySettings;
import io.stablegate.engine.ledger.LedgerWebhook;
import io.stablegate.engine.ledger.UnmatchedTransferCourier;
import io.stablegate.engine.ledger.UnmatchedTransferCourier.Message;
import io.stablegate.engine.ledger.WalletLedger;
import io.stablegate.engine.ledger.WalletLedgerCommand;
import io.stablegate.engine.payment.Couriers.DeliveryFailedException;
import io.stablegate.engine.money.Amounts;
import io.stablegate.engine.webhook.AttemptResult;
import io.stablegate.engine.webhook.AttemptResult.Verdict;
import io.stablegate.engine.webhook.WebhookDispatch;
import io.stablegate.engine.webhook.WebhookEndpoint;
import io.stablegate.engine.webhook.WebhookPayload;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
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
 * The {@link UnmatchedTransferCourier} of a node: delivers one {@code transfer.unmatched} event of a
 * wallet ledger, with the same guarantees as an invoice's events ({@link WebhookDeliveryActor}): the
 * same event id on every attempt, the retry schedule persisted by the ledger, at least once across
 * restarts (the ledger-work sweeper wakes a sleeping ledger whose attempt is due). The merchant is
 * the wallet's owner, looked up at each attempt.
 *
 * <p>{@code data} is {@code {transfer: {chain, token, txHash, logIndex, from, to, amount,
 * blockNumber}, candidates: [invoiceId]}}.
 */
public final class UnmatchedTransferCourierActor {
  private static final Logger log = LoggerFactory.getLogger(UnmatchedTransferCourierActor.class);

  private record Loaded(LedgerWebhook webhook) implements Message {}

  private enum Due implements Message { INSTANCE }

  private record Sent(AttemptResult result) implements Message {}

  private record Recorded(LedgerWebhook webhook) implements Message {}

  private record LedgerUnavailable(Throwable error) implements Message {}

  /** The couriers of a node that sends with {@code dispatch}: hand this to {@code WalletLedger.init}. */
  public static UnmatchedTransferCourier courier(WebhookDispatch dispatch, WebhookRetrySettings retries) {
    return new UnmatchedTransferCourier() {
      @Override
      public Behavior<Message> deliver(ActorRef<WalletLedgerCommand> ledger, String ledgerId, UUID eventId) {
        return create(ledger, ledgerId, eventId, dispatch);
      }

      @Override
      public List<Duration> retrySchedule() {
        return retries.schedule();
      }

      @Override
      public double jitter() {
        return retries.jitter();
      }
    };
  }

  private static Behavior<Message> create(ActorRef<WalletLedgerCommand> ledger, String ledgerId, UUID eventId,
      WebhookDispatch dispatch) {
    return Couriers.supervised(Behaviors.<Message>setup(
        ctx -> Behaviors.<Message>withTimers(
            timers -> new UnmatchedTransferCourierActor(ctx, timers, ledger, ledgerId, eventId, dispatch).load())),
        dispatch.settings());
  }

  private final ActorContext<Message> context;
  private final TimerScheduler<Message> timers;
  private final ActorRef<WalletLedgerCommand> ledger;
  private final String ledgerId;
  private final UUID eventId;
  private final WebhookDispatch dispatch;

  private UnmatchedTransferCourierActor(ActorContext<Message> context, TimerScheduler<Message> timers,
      ActorRef<WalletLedgerCommand> ledger, String ledgerId, UUID eventId, WebhookDispatch dispatch) {
    this.context = context;
    this.timers = timers;
    this.ledger = ledger;
    this.ledgerId = ledgerId;
    this.eventId = eventId;
    this.dispatch = dispatch;
  }

  private Behavior<Message> load() {
    context.askWithStatus(LedgerWebhook.class, ledger, dispatch.askTimeout(),
        replyTo -> new WalletLedgerCommand.GetWebhook(eventId, replyTo),
        (loaded, error) -> loaded != null ? new Loaded(loaded) : new LedgerUnavailable(error));
    return Behaviors.receive(Message.class)
        .onMessage(Loaded.class, loaded -> loaded.webhook().isPending() ? waitForSlot(loaded.webhook())
            : Behaviors.stopped())
        .onMessage(LedgerUnavailable.class, this::ledgerUnavailable)
        .build();
  }

  private Behavior<Message> waitForSlot(LedgerWebhook webhook) {
    Duration wait = Duration.between(dispatch.clock().instant(), webhook.nextAttemptAt());
    if (wait.isNegative() || wait.isZero()) {
      context.getSelf().tell(Due.INSTANCE);
    } else {
      timers.startSingleTimer(Due.INSTANCE, wait);
    }
    return Behaviors.receive(Message.class)
        .onMessageEquals(Due.INSTANCE, () -> send(webhook))
        .build();
  }

  private Behavior<Message> send(LedgerWebhook webhook) {
    int attempt = webhook.attempts() + 1;
    context.pipeToSelf(attempt(webhook), (result, error) -> new Sent(result != null ? result
        : new AttemptResult(dispatch.clock().instant(), null, "internal error: " + error, 0, Verdict.RETRY)));
    return Behaviors.receive(Message.class)
        .onMessage(Sent.class, sent -> record(attempt, sent.result()))
        .build();
  }

  private CompletionStage<AttemptResult> attempt(LedgerWebhook webhook) {
    return dispatch.endpoints().ownerOfWallet(WalletLedger.chainOf(ledgerId), WalletLedger.addressOf(ledgerId))
        .thenCompose(merchant -> {
          Instant now = dispatch.clock().instant();
          if (merchant.isEmpty()) {
            return CompletableFuture.completedFuture(
                new AttemptResult(now, null, "no merchant has this wallet", 0, Verdict.RETRY));
          }
          return dispatch.endpoints().find(merchant.get()).thenCompose(found -> {
            Optional<AttemptResult> notSendable = Couriers.notSendable(found, now);
            if (notSendable.isPresent()) {
              return CompletableFuture.completedFuture(notSendable.get());
            }
            WebhookEndpoint endpoint = found.get();
            byte[] body = payload(webhook).toBytes();
            CompletionStage<AttemptResult> sent =
                dispatch.sender().send(merchant.get(), endpoint.url(), eventId.toString(), body, endpoint.secrets());
            return sent.thenApply(result -> {
              if (result.verdict() == Verdict.GONE) {
                dispatch.endpoints().disable(merchant.get(), "the endpoint answered 410 Gone to webhook event "
                    + eventId);
              }
              return result;
            });
          });
        });
  }

  /** The body: {@code data: {transfer: {…}, candidates: [invoiceId]}}, the same on every attempt. */
  static WebhookPayload payload(LedgerWebhook webhook) {
    Transfer t = webhook.transfer();
    Map<String, Object> transfer = new LinkedHashMap<>();
    transfer.put("chain", t.chain().name());
    transfer.put("token", t.asset().name());
    transfer.put("txHash", t.txHash());
    transfer.put("logIndex", t.logIndex());
    transfer.put("from", t.from());
    transfer.put("to", t.to());
    transfer.put("amount", Amounts.format(t.amount()));
    transfer.put("blockNumber", t.blockNumber());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("transfer", transfer);
    data.put("candidates", webhook.candidates().stream().map(UUID::toString).toList());
    // Only live wallet ledgers send webhooks: test ledgers keep their unmatched transfers to themselves.
    return new WebhookPayload(webhook.eventId().toString(), LedgerWebhook.TYPE, webhook.createdAt(), true, data);
  }

  private static LedgerWebhook.Attempt recorded(AttemptResult result) {
    LedgerWebhook.Attempt.Verdict verdict = switch (result.verdict()) {
      case DELIVERED -> LedgerWebhook.Attempt.Verdict.DELIVERED;
      case RETRY -> LedgerWebhook.Attempt.Verdict.RETRY;
      case GONE -> LedgerWebhook.Attempt.Verdict.GONE;
    };
    return new LedgerWebhook.Attempt(result.attemptedAt(), result.statusCode(), result.error(), result.durationMs(),
        verdict);
  }

  private Behavior<Message> record(int attempt, AttemptResult result) {
    context.askWithStatus(LedgerWebhook.class, ledger, dispatch.askTimeout(),
        replyTo -> new WalletLedgerCommand.RecordWebhookAttempt(eventId, attempt, recorded(result), replyTo),
        (recorded, error) -> recorded != null ? new Recorded(recorded) : new LedgerUnavailable(error));
    return Behaviors.receive(Message.class)
        .onMessage(Recorded.class, recorded -> {
          LedgerWebhook now = recorded.webhook();
          switch (now.status()) {
            case DELIVERED -> log.debug("Webhook event {} of ledger {} delivered on attempt {}", eventId, ledgerId,
                attempt);
            case FAILED -> log.warn("Webhook event {} of ledger {} failed for good after attempt {}: {}", eventId,
                ledgerId, attempt, result.error());
            case PENDING -> {
              log.info("Webhook event {} of ledger {}: attempt {} failed ({}); next at {}", eventId, ledgerId,
                  attempt, result.error(), now.nextAttemptAt());
              throw new DeliveryFailedException("attempt " + attempt + " of webhook event " + eventId + " failed");
            }
          }
          return Behaviors.stopped();
        })
        .onMessage(LedgerUnavailable.class, this::ledgerUnavailable)
        .build();
  }

  private Behavior<Message> ledgerUnavailable(LedgerUnavailable unavailable) {
    throw new DeliveryFailedException("ledger " + ledgerId + " did not answer for webhook event " + eventId + ": "
        + unavailable.error());
  }
}
