package io.stablegate.persistence.webhook;

import io.stablegate.engine.webhook.WebhookService;
import io.stablegate.engine.webhook.WebhookSettings;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes invoices whose webhook delivery is due. A waiting delivery lives in its invoice entity, and
 * an entity sleeps (passivation) or vanishes with its node; nobody else would ask it again. So one
 * sweeper in the cluster reads the due pending deliveries from the read table every
 * {@code sweep-interval} and sends their invoices {@code ResumeWebhooks}, which recovers the entity
 * (on whichever node hosts it now) and restarts its delivery actors. Idempotent: an awake invoice
 * whose actor is already at work ignores it.
 */
public final class WebhookDeliverySweeper {
  private static final Logger log = LoggerFactory.getLogger(WebhookDeliverySweeper.class);

  sealed interface Message {}

  private enum Tick implements Message { INSTANCE }

  private record SweepDone(int woken, Throwable error) implements Message {}

  private final WebhookDeliveryRepository deliveries;
  private final WebhookService service;
  private final Clock clock;
  private final Duration interval;
  private final int batchSize;
  private final Executor blocking;
  private final ActorContext<Message> context;
  private final TimerScheduler<Message> timers;

  private WebhookDeliverySweeper(WebhookDeliveryRepository deliveries, WebhookService service, Clock clock,
      WebhookSettings settings, ActorContext<Message> context, TimerScheduler<Message> timers) {
    this.deliveries = deliveries;
    this.service = service;
    this.clock = clock;
    this.interval = settings.sweepInterval();
    this.batchSize = settings.sweepBatchSize();
    this.blocking = context.getSystem().dispatchers().lookup(
        DispatcherSelector.fromConfig("pekko.projection.jdbc.blocking-jdbc-dispatcher"));
    this.context = context;
    this.timers = timers;
  }

  /** Runs the sweeper as a cluster singleton. */
  public static void init(ActorSystem<?> system, WebhookDeliveryRepository deliveries, WebhookService service,
      Clock clock) {
    WebhookSettings settings = WebhookSettings.fromConfig(system.settings().config());
    Behavior<Message> behavior = Behaviors.<Message>supervise(Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      WebhookDeliverySweeper sweeper = new WebhookDeliverySweeper(deliveries, service, clock, settings, ctx, timers);
      timers.startSingleTimer(Tick.INSTANCE, sweeper.interval);
      return sweeper.idle();
    }))).onFailure(SupervisorStrategy.restart());
    ClusterSingleton.get(system).init(SingletonActor.of(behavior, "webhook-delivery-sweeper"));
  }

  private Behavior<Message> idle() {
    return Behaviors.receive(Message.class)
        .onMessageEquals(Tick.INSTANCE, () -> {
          context.pipeToSelf(sweep(), (count, error) -> new SweepDone(count == null ? 0 : count, error));
          return sweeping();
        })
        .build();
  }

  private Behavior<Message> sweeping() {
    return Behaviors.receive(Message.class)
        .onMessage(SweepDone.class, done -> {
          if (done.error() != null) {
            log.warn("Webhook delivery sweep failed; trying again in {}: {}", interval, done.error().toString());
          } else if (done.woken() > 0) {
            log.debug("Webhook delivery sweep woke {} invoices with due deliveries", done.woken());
          }
          timers.startSingleTimer(Tick.INSTANCE, interval);
          return idle();
        })
        .build();
  }

  private CompletionStage<Integer> sweep() {
    return CompletableFuture
        .supplyAsync(() -> {
          try {
            return deliveries.invoicesWithDueDeliveries(clock.instant(), batchSize);
          } catch (SQLException e) {
            throw new CompletionException(e);
          }
        }, blocking)
        .thenCompose((List<UUID> due) -> CompletableFuture
            .allOf(due.stream()
                .map(id -> service.resume(id).toCompletableFuture()
                    .exceptionally(error -> {
                      log.warn("Could not wake invoice {} for its webhook delivery: {}", id, error.toString());
                      return null;
                    }))
                .toArray(CompletableFuture[]::new))
            .thenApply(v -> due.size()));
  }
}
