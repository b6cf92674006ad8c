package io.stablegate.engine.chain;

import io.stablegate.engine.money.Chain;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * The latest {@link ChainStatus} of every chain, on every node. A watcher runs on one node (it is a
 * cluster singleton) and publishes to a pub-sub topic; each node keeps what it hears, so the health
 * endpoint answers from memory wherever it is asked.
 */
public final class ChainStatusBoard {
  private final ActorRef<Topic.Command<ChainStatus>> topic;
  private final Map<Chain, ChainStatus> latest = new ConcurrentHashMap<>();

  private ChainStatusBoard(ActorSystem<?> system) {
    this.topic = system.systemActorOf(Topic.create(ChainStatus.class, "chain-status"), "chain-status-topic",
        Props.empty());
    ActorRef<ChainStatus> listener = system.systemActorOf(listen(), "chain-status-listener", Props.empty());
    topic.tell(Topic.subscribe(listener));
  }

  /** Starts the board on this node; call once per ActorSystem. */
  public static ChainStatusBoard start(ActorSystem<?> system) {
    return new ChainStatusBoard(system);
  }

  public void publish(ChainStatus status) {
    latest.put(status.chain(), status);
    topic.tell(Topic.publish(status));
  }

  /** The latest status of each chain that has reported. */
  public Map<Chain, ChainStatus> current() {
    return Map.copyOf(latest);
  }

  private Behavior<ChainStatus> listen() {
    return Behaviors.receiveMessage(status -> {
      latest.merge(status.chain(), status,
          (old, incoming) -> incoming.updatedAt().isBefore(old.updatedAt()) ? old : incoming);
      return Behaviors.same();
    });
  }
}
