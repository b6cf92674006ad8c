package io.stablegate.http.security;

import io.stablegate.http.ApiProblem;
import io.stablegate.http.Responses;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Refusals for load answered late. A request refused because its client is over a rate (429: the
 * per-address and per-key limits, the registration, login and claim throttles) or because a bounded
 * pool is full (503 from the password pool) is answered {@code refusal-delay} after it was refused,
 * by a timer, with no thread held. A client within its rates never meets the delay; a flood gets one
 * cheap refusal per connection per delay instead of thousands a second, which would take the CPU that
 * invoice creation needs. Every other answer, and every other failure, goes out at once.
 */
public final class LateRefusals extends AllDirectives {
  private final Duration delay;
  private final Executor timer;

  public LateRefusals(Duration delay) {
    this.delay = delay;
    this.timer = CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The inner route, with its refusals for load answered after the delay. */
  public Route wrap(Supplier<Route> inner) {
    if (delay.isZero()) {
      return inner.get();
    }
    return handleExceptions(ExceptionHandler.newBuilder()
        .match(ApiProblem.class, ApiProblem::refusedForLoad,
            refused -> completeWithFuture(CompletableFuture.supplyAsync(() -> Responses.problem(refused), timer)))
        .build(), inner);
  }
}
