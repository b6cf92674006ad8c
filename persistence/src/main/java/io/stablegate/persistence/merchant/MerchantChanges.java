package io.stablegate.persistence.merchant;

import io.stablegate.engine.money.Chain;
import io.stablegate.engine.serialization.CborSerializable;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every node of the cluster that a merchant's settings changed, so that in-memory copies
 * (the API-key cache, a chain watcher's wallet set) are dropped or reloaded. A pub-sub topic, as
 * {@code engine.chain.ChainStatusBoard} uses; the node that made the change also hears it.
 */
public final class MerchantChanges {
  private static final Logger log = LoggerFactory.getLogger(MerchantChanges.class);

  /** What changed; carries no secret. */
  public sealed interface Notice extends CborSerializable {}

  /** The merchant's API key was rotated: forget what was cached for this merchant. */
  public record ApiKeyRotated(UUID merchantId) implements Notice {}

  /** A wallet on {@code chain} was set or removed: reload {@link WalletRepository#canonicalAddresses}. */
  public record WalletsChanged(Chain chain) implements Notice {}

  private final ActorRef<Topic.Command<Notice>> topic;
  private final List<Consumer<Notice>> subscribers = new CopyOnWriteArrayList<>();

  private MerchantChanges(ActorSystem<?> system) {
    this.topic = system.systemActorOf(Topic.create(Notice.class, "merchant-changes"), "merchant-changes-topic",
        Props.empty());
    ActorRef<Notice> listener = system.systemActorOf(Behaviors.<Notice>receiveMessage(notice -> {
      deliver(notice);
      return Behaviors.same();
    }), "merchant-changes-listener", Props.empty());
    topic.tell(Topic.subscribe(listener));
  }

  /** Starts the topic on this node; call once per ActorSystem. */
  public static MerchantChanges start(ActorSystem<?> system) {
    return new MerchantChanges(system);
  }

  /** Applies the notice on this node at once, then tells the other nodes. */
  public void publish(Notice notice) {
    deliver(notice);
    topic.tell(Topic.publish(notice));
  }

  public void subscribe(Consumer<Notice> subscriber) {
    subscribers.add(subscriber);
  }

  private void deliver(Notice notice) {
    for (Consumer<Notice> subscriber : subscribers) {
      try {
        subscriber.accept(notice);
      } catch (RuntimeException e) {
        log.warn("A subscriber failed on {}", notice, e);
      }
    }
  }
}
