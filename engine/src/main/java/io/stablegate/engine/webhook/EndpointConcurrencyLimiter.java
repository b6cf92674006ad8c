package io.stablegate.engine.webhook;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * At most {@code permits} tasks in flight per key (a merchant endpoint); the others wait in line,
 * without holding a thread. One slow merchant thus fills only its own lane.
 */
final class EndpointConcurrencyLimiter {

  private static final class Lane {
    int inFlight;
    final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  }

  private final int permits;
  private final Map<String, Lane> lanes = new HashMap<>();

  EndpointConcurrencyLimiter(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("at least one delivery per endpoint");
    }
    this.permits = permits;
  }

  <T> CompletionStage<T> run(String key, Supplier<CompletionStage<T>> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable start = () -> {
      CompletionStage<T> stage;
      try {
        stage = task.get();
      } catch (RuntimeException e) {
        stage = CompletableFuture.failedFuture(e);
      }
      stage.whenComplete((value, error) -> {
        release(key);
        if (error != null) {
          result.completeExceptionally(error);
        } else {
          result.complete(value);
        }
      });
    };
    boolean startNow;
    synchronized (this) {
      Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
      startNow = lane.inFlight < permits;
      if (startNow) {
        lane.inFlight++;
      } else {
        lane.waiting.add(start);
      }
    }
    if (startNow) {
      start.run();
    }
    return result;
  }

  private void release(String key) {
    Runnable next;
    synchronized (this) {
      Lane lane = lanes.get(key);
      next = lane.waiting.poll();
      if (next == null && --lane.inFlight == 0) {
        lanes.remove(key);
      }
    }
    if (next != null) {
      next.run();
    }
  }
}
