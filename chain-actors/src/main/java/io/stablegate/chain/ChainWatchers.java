package io.stablegate.chain;

import io.stablegate.chain.evm.EvmChainClient;
import io.stablegate.chain.tron.TronChainClient;
import io.stablegate.engine.chain.ChainStatusBoard;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.payment.PaymentMatcher;
import java.time.Clock;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/** The one entry point the app calls: a watcher singleton per enabled chain. */
public final class ChainWatchers {
  private ChainWatchers() {}

  /**
   * Starts (or joins, on every other node) the singleton watcher of each enabled chain. The returned
   * refs are singleton proxies: send {@link WatcherCommand.RefreshWallets} when a merchant changes a wallet.
   */
  public static Map<Chain, ActorRef<WatcherCommand>> start(ActorSystem<?> system, PaymentMatcher matcher,
      WatchedWallets wallets, ChainStatusBoard board) {
    Map<Chain, ActorRef<WatcherCommand>> refs = new java.util.TreeMap<>();
    for (Chain chain : Chain.values()) {
      WatcherSettings settings = WatcherSettings.fromConfig(system.settings().config(), chain);
      if (settings.enabled()) {
        refs.put(chain, ClusterSingleton.get(system).init(
            SingletonActor.of(behavior(settings, matcher, wallets, board, Clock.systemUTC()), "chain-watcher-" + chain.configKey())
                .withStopMessage(WatcherCommand.Stop.INSTANCE)));
      }
    }
    return Map.copyOf(refs);
  }

  /** One chain's watcher, restarted with backoff should it ever fail (a journal outage, say). */
  public static Behavior<WatcherCommand> behavior(WatcherSettings settings, PaymentMatcher matcher,
      WatchedWallets wallets, ChainStatusBoard board, Clock clock) {
    EndpointPool.Connector<? extends ChainClient> connector = settings.chain().isEvm()
        ? EvmChainClient.connector(settings)
        : TronChainClient.connector(settings);
    return Behaviors.supervise(ChainWatcher.create(settings, connector, matcher, wallets, board, clock))
        .onFailure(SupervisorStrategy.restartWithBackoff(settings.minBackoff(), settings.maxBackoff(), 0.2));
  }
}
