package io.stablegate.engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/** In-memory journal and snapshot store for entity tests; no cluster, no database. */
public final class PersistenceTestConfig {
  private PersistenceTestConfig() {}

  /**
   * The testkit's in-memory journal and snapshot store, but with serialization on: then a
   * {@code restart()} recovers from events and snapshots that went through Jackson CBOR, as they
   * would from PostgreSQL, instead of from the very objects that were persisted.
   */
  public static Config config() {
    return ConfigFactory.parseString("""
            pekko.persistence.testkit.events.serialize = on
            pekko.persistence.testkit.snapshots.serialize = on
            pekko.loglevel = WARNING
            # Only a ceiling: the machine is shared, and a first command waits for the JIT.
            pekko.actor.testkit.typed.single-expect-default = 10s
            """)
        .withFallback(EventSourcedBehaviorTestKit.config())
        .withFallback(PersistenceTestKitSnapshotPlugin.config())
        .withFallback(ConfigFactory.load());
  }
}
