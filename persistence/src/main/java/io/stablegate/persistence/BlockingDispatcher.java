package io.stablegate.persistence;

import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * The node's dispatcher for blocking work (JDBC through {@link Repositories}, bcrypt), never Pekko's
 * default one: the API's handlers, the chain watchers' wallet lookups and webhook delivery's endpoint
 * lookups all run their blocking calls here.
 */
public final class BlockingDispatcher {
  /** Configured in this module's {@code reference.conf}. */
  public static final String NAME = "stablegate-blocking-dispatcher";

  private BlockingDispatcher() {}

  public static Executor lookup(ActorSystem<?> system) {
    return system.dispatchers().lookup(DispatcherSelector.fromConfig(NAME));
  }
}
