package io.stablegate.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/** Runs blocking work (JDBC) on the API's blocking dispatcher, never on Pekko's default one; bcrypt has its own pool. */
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

  public static Blocking of(ActorSystem<?> system) {
    return new Blocking(system.dispatchers().lookup(DispatcherSelector.fromConfig(ApiSettings.BLOCKING_DISPATCHER)));
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
