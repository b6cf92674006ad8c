package io.stablegate.app;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Pekko Management readiness check (configured in cluster.conf): ready when the database answers and
 * the HTTP port is bound. The database probe blocks, so it runs on the blocking JDBC dispatcher.
 */
public final class NodeReadinessCheck implements Supplier<CompletionStage<Boolean>> {
  private final org.apache.pekko.actor.typed.ActorSystem<?> system;

  public NodeReadinessCheck(ActorSystem system) {
    this.system = Adapter.toTyped(system);
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.supplyAsync(() -> NodeHealth.get(system).isReady(),
        system.dispatchers().lookup(DispatcherSelector.fromConfig("pekko.projection.jdbc.blocking-jdbc-dispatcher")));
  }
}
