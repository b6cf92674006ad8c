package io.stablegate.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Runs the API's blocking work (JDBC) on the executor it is given: the node's blocking dispatcher
 * ({@code io.stablegate.persistence.BlockingDispatcher}), never Pekko's default one; bcrypt has its own pool.
 */
public final class Blocking {

  /** Work that may block and throw checked exceptions. */
  @FunctionalInterface
  public interface Call<T> {
    T call() throws Exception;
  }

  private final Executor executor;

  public Blocking(Executor executor) {
    this.executor = executor;
  }

  public Executor executor() {
    return executor;
  }

  public <T> CompletionStage<T> run(Call<T> call) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return call.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, executor);
  }
}
