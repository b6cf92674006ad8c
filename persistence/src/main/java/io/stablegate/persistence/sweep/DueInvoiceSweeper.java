package io.stablegate.persistence.sweep;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
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
 * A cluster singleton that wakes entities (invoices; wallet ledgers) with work due, by id {@code K}. An invoice entity keeps no timers of its
 * own: it may be passivated, or its node gone, and then nobody would ask it again. So the sweeper
 * reads the due invoices from a read table every {@code interval} and sends each one its wake-up
 * command; the commands are idempotent and the entity re-checks the time, so a sweep that races
 * anything else is harmless. One sweep at a time; the next starts {@code interval} after it ends.
 */
public final class DueInvoiceSweeper<K> {
  private static final Logger log = LoggerFactory.getLogger(DueInvoiceSweeper.class);

  /** The read-table query: invoices with work due at {@code now}, at most {@code limit}. Blocking. */
  @FunctionalInterface
  public interface DueQuery<K> {
    List<K> due(Instant now, int limit) throws SQLException;
  }

  private sealed interface Message {}

  private enum Tick implements Message { INSTANCE }

  private record SweepDone(int woken, Throwable error) implements Message {}

  private final String name;
  private final Duration interval;
  private final int batchSize;
  private final Clock clock;
  private final DueQuery<K> query;
  private final Function<K, CompletionStage<?>> wake;
  private final Executor blocking;
  private final ActorContext<Message> context;
  private final TimerScheduler<Message> timers;

  private DueInvoiceSweeper(String name, Duration interval, int batchSize, Clock clock, DueQuery<K> query,
      Function<K, CompletionStage<?>> wake, ActorContext<Message> context, TimerScheduler<Message> timers) {
    this.name = name;
    this.interval = interval;
    this.batchSize = batchSize;
    this.clock = clock;
    this.query = query;
    this.wake = wake;
    this.blocking = context.getSystem().dispatchers().lookup(
        DispatcherSelector.fromConfig("pekko.projection.jdbc.blocking-jdbc-dispatcher"));
    this.context = context;
    this.timers = timers;
  }

  /** Runs the sweeper {@code name} as a cluster singleton. */
  public static <K> void init(ActorSystem<?> system, String name, Duration interval, int batchSize, Clock clock,
      DueQuery<K> query, Function<K, CompletionStage<?>> wake) {
    Behavior<Message> behavior = Behaviors.<Message>supervise(Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      DueInvoiceSweeper<K> sweeper = new DueInvoiceSweeper<>(name, interval, batchSize, clock, query, wake, ctx, timers);
      timers.startSingleTimer(Tick.INSTANCE, interval);
      return sweeper.idle();
    }))).onFailure(SupervisorStrategy.restart());
    ClusterSingleton.get(system).init(SingletonActor.of(behavior, name));
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
            log.warn("{}: sweep failed; trying again in {}: {}", name, interval, done.error().toString());
          } else if (done.woken() > 0) {
            log.debug("{}: woke {} invoices", name, done.woken());
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
            return query.due(clock.instant(), batchSize);
          } catch (SQLException e) {
            throw new CompletionException(e);
          }
        }, blocking)
        .thenCompose(due -> CompletableFuture
            .allOf(due.stream()
                .map(id -> wake.apply(id).toCompletableFuture()
                    .exceptionally(error -> {
                      log.warn("{}: could not wake invoice {}: {}", name, id, error.toString());
                      return null;
                    }))
                .toArray(CompletableFuture[]::new))
            .thenApply(v -> due.size()));
  }
}
