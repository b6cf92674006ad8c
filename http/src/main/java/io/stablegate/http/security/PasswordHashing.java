package io.stablegate.http.security;

import io.stablegate.http.ApiProblem;
import io.stablegate.http.ApiSettings.PasswordHashingSettings;
import io.stablegate.http.Blocking;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pool password hashing (bcrypt) runs on: a few threads and a short queue of its own, so that a
 * flood of registrations or logins cannot occupy the threads the API's database work runs on. When
 * the pool and its queue are full, the request is answered 503 with Retry-After at once instead of
 * waiting in an unbounded queue.
 */
public final class PasswordHashing {
  private final ThreadPoolExecutor executor;
  private final Blocking blocking;

  public PasswordHashing(PasswordHashingSettings settings) {
    AtomicInteger count = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(settings.threads(), settings.threads(), 1, TimeUnit.MINUTES,
        new ArrayBlockingQueue<>(settings.queue()), runnable -> {
          Thread thread = new Thread(runnable, "stablegate-password-hashing-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
    this.executor.allowCoreThreadTimeOut(true);
    this.blocking = new Blocking(executor);
  }

  /** Runs {@code call} on the pool; 503 with Retry-After when the pool is full. */
  public <T> CompletionStage<T> run(Blocking.Call<T> call) {
    try {
      return blocking.run(call);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(full());
    }
  }

  /**
   * Throws the 503 that {@link #run} would answer if the pool is full now (every thread busy, every
   * waiting place taken), so that a request which will need a hash is refused before it does other
   * work (a registration's database lookup). Only a shortcut: {@link #run} still decides.
   */
  public void refuseWhenFull() {
    if (executor.getQueue().remainingCapacity() == 0) {
      throw full();
    }
  }

  private static ApiProblem full() {
    return ApiProblem.busy("Too many password checks at once; retry shortly.");
  }

  /** Stops the pool's threads (after the work in hand). */
  public void shutdown() {
    executor.shutdown();
  }
}
