package io.stablegate.chain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Waiting for several answers of the engine, but not longer than a bound. */
final class BoundedWait {
  private BoundedWait() {}

  /**
   * Completes when every answer has arrived or {@code wait} has passed, whichever is first, with the
   * answers in order: null for one that had not arrived (it may still arrive later; nobody waits for it).
   * The given futures are not completed by this (their own callbacks still see their real outcome).
   */
  static <T> CompletableFuture<List<T>> answersWithin(List<? extends CompletableFuture<? extends T>> answers,
      Duration wait) {
    List<CompletableFuture<T>> bounded = new ArrayList<>(answers.size());
    for (CompletableFuture<? extends T> answer : answers) {
      bounded.add(answer.<T>thenApply(value -> value).completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS));
    }
    return CompletableFuture.allOf(bounded.toArray(CompletableFuture[]::new))
        .thenApply(done -> bounded.stream().map(CompletableFuture::join).toList());
  }
}
