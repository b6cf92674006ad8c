package io.stablegate.app;

import io.stablegate.persistence.db.Database;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/** What readiness depends on beyond cluster membership: the database and the HTTP binding. */
public final class NodeHealth implements Extension {
  private volatile Database database;
  private volatile boolean httpBound;

  public static final ExtensionId<NodeHealth> ID = new ExtensionId<>() {
    @Override
    public NodeHealth createExtension(ActorSystem<?> system) {
      return new NodeHealth();
    }
  };

  public static NodeHealth get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  void database(Database database) {
    this.database = database;
  }

  void httpBound(boolean bound) {
    this.httpBound = bound;
  }

  boolean isReady() {
    Database db = database;
    return httpBound && db != null && db.isReachable();
  }
}
