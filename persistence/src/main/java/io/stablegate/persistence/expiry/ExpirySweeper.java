package io.stablegate.persistence.expiry;

import com.typesafe.config.Config;
import io.stablegate.engine.invoice.InvoiceService;
import io.stablegate.persistence.projection.InvoiceReadRepository;
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
 * Expires invoices on time, whether or not their entity is awake: the entity keeps no timer (it may
 * be passivated or its node gone), so one sweeper in the cluster reads the due PENDING invoices from
 * the read table every {@code sweep-interval} and sends each an {@code Expire} command. The command
 * is idempotent and the entity re-checks the time, so a sweep that races a payment is harmless.
 */
public final class ExpirySweeper {
  private static final Logger log = LoggerFactory.getLogger(ExpirySweeper.class);

  sealed interface Message {}

  private enum Tick implements Message { INSTANCE }

  private record SweepDone(int expired, Throwable error) implements Message {}

  private final InvoiceReadRepository invoices;
  private final InvoiceService service;
  private final Clock clock;
  private final Duration interval;
  private final int batchSize;
  private final Executor blocking;
  private final ActorContext<Message> context;
  private final TimerScheduler<Message> timers;

  private ExpirySweeper(InvoiceReadRepository invoices, InvoiceService service, Clock clock, Config settings,
      ActorContext<Message> context, TimerScheduler<Message> timers) {
    this.invoices = invoices;
    this.service = service;
    this.clock = clock;
    this.interval = settings.getDuration("sweep-interval");
    this.batchSize = settings.getInt("batch-size");
    this.blocking = context.getSystem().dispatchers().lookup(
        DispatcherSelector.fromConfig("pekko.projection.jdbc.blocking-jdbc-dispatcher"));
    this.context = context;
    this.timers = timers;
  }

  /** Runs the sweeper as a cluster singleton. */
  public static void init(ActorSystem<?> system, InvoiceReadRepository invoices, InvoiceService service, Clock clock) {
    Config settings = system.settings().config().getConfig("stablegate.expiry");
    Behavior<Message> behavior = Behaviors.<Message>supervise(Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ExpirySweeper sweeper = new ExpirySweeper(invoices, service, clock, settings, ctx, timers);
      timers.startSingleTimer(Tick.INSTANCE, sweeper.interval);
      return sweeper.idle();
    }))).onFailure(SupervisorStrategy.restart());
    ClusterSingleton.get(system).init(SingletonActor.of(behavior, "expiry-sweeper"));
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
            log.warn("Expiry sweep failed; trying again in {}: {}", interval, done.error().toString());
          } else if (done.expired() > 0) {
            log.debug("Expiry sweep sent Expire to {} due invoices", done.expired());
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
            return invoices.dueForExpiry(clock.instant(), batchSize);
          } catch (SQLException e) {
            throw new CompletionException(e);
          }
        }, blocking)
        .thenCompose((List<UUID> due) -> CompletableFuture
            .allOf(due.stream().map(id -> service.expire(id).toCompletableFuture()).toArray(CompletableFuture[]::new))
            .thenApply(v -> due.size()));
  }
}
