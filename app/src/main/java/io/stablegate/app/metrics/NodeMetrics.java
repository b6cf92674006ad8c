package io.stablegate.app.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stablegate.engine.chain.ChainStatus;
import io.stablegate.engine.chain.ChainStatusBoard;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.engine.ledger.WalletLedger;
import io.stablegate.engine.money.Chain;
import io.stablegate.engine.rates.RateSource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The node's Prometheus registry, joined to Micrometer's global registry so that every module's
 * meters (HTTP, projections, webhooks, journal writes) land in it; plus the gauges only the app can
 * see: cluster members, hosted shards, each chain's head, scanned block and lag, the exchange rates'
 * age and refresh failures, and the JVM.
 */
public final class NodeMetrics {
  private static final PrometheusMeterRegistry PROMETHEUS = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  static {
    Metrics.addRegistry(PROMETHEUS);
    new JvmMemoryMetrics().bindTo(PROMETHEUS);
    new JvmGcMetrics().bindTo(PROMETHEUS);
    new JvmThreadMetrics().bindTo(PROMETHEUS);
    new ProcessorMetrics().bindTo(PROMETHEUS);
  }

  private NodeMetrics() {}

  /** The text that {@code GET /metrics} on the management port answers. */
  public static String scrape() {
    return PROMETHEUS.scrape();
  }

  public static void bind(ActorSystem<?> system, ChainStatusBoard chains, RateSource rates) {
    Gauge.builder("stablegate.rates.age", rates, RateSource::ageSeconds)
        .description("Seconds since the exchange-rate source last believed a rate (NaN before the first)")
        .baseUnit("seconds")
        .tag("source", rates.sourceName())
        .register(Metrics.globalRegistry);
    FunctionCounter.builder("stablegate.rates.refresh.failures", rates, RateSource::failures)
        .description("Exchange-rate refreshes that failed or brought a rate that was not believed")
        .tag("source", rates.sourceName())
        .register(Metrics.globalRegistry);
    Cluster cluster = Cluster.get(system);
    Gauge.builder("stablegate.cluster.members", cluster,
            c -> java.util.stream.StreamSupport.stream(c.state().getMembers().spliterator(), false)
                .filter(m -> m.status() == MemberStatus.up())
                .count())
        .description("Members of the cluster that are Up")
        .register(Metrics.globalRegistry);
    for (Chain chain : Chain.values()) {
      chainGauge("stablegate.chain.head", chain, chains, ChainStatus::head);
      chainGauge("stablegate.chain.scanned", chain, chains, ChainStatus::scanned);
      chainGauge("stablegate.chain.lag", chain, chains, ChainStatus::lag);
    }
    AtomicInteger invoiceShards = shardGauge("Invoice");
    AtomicInteger ledgerShards = shardGauge("WalletLedger");
    system.systemActorOf(pollShards(invoiceShards, ledgerShards), "shard-metrics", Props.empty());
  }

  private static void chainGauge(String name, Chain chain, ChainStatusBoard chains, ToDoubleFunction<ChainStatus> value) {
    Gauge.builder(name, chains, board -> {
          ChainStatus status = board.current().get(chain);
          return status == null ? Double.NaN : value.applyAsDouble(status);
        })
        .tag("chain", chain.name())
        .register(Metrics.globalRegistry);
  }

  private static AtomicInteger shardGauge(String entityType) {
    AtomicInteger shards = new AtomicInteger();
    Gauge.builder("stablegate.sharding.shards", shards, AtomicInteger::get)
        .description("Shards hosted on this node")
        .tag("entity", entityType)
        .register(Metrics.globalRegistry);
    return shards;
  }

  /** The shard poller's messages: time to ask, or a region's answer. */
  private sealed interface PollMessage {}

  private enum Tick implements PollMessage { INSTANCE }

  private record Hosted(AtomicInteger gauge, int shards) implements PollMessage {}

  private static void askHosted(org.apache.pekko.actor.typed.javadsl.ActorContext<PollMessage> ctx,
      ClusterSharding sharding, org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey<?> key,
      AtomicInteger gauge) {
    ctx.ask(CurrentShardRegionState.class, sharding.shardState(), Duration.ofSeconds(5),
        replyTo -> new GetShardRegionState(key, replyTo),
        (state, error) -> new Hosted(gauge, state == null ? gauge.get() : state.getShards().size()));
  }

  /** Asks the local shard regions every 10 s how many shards they host. */
  private static Behavior<PollMessage> pollShards(AtomicInteger invoices, AtomicInteger ledgers) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
      timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofSeconds(10));
      return Behaviors.receive(PollMessage.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            // one ask per entity type: a message adapter per reply class would serve only the last one
            askHosted(ctx, sharding, InvoiceEntity.ENTITY_KEY, invoices);
            askHosted(ctx, sharding, WalletLedger.ENTITY_KEY, ledgers);
            return Behaviors.same();
          })
          .onMessage(Hosted.class, hosted -> {
            hosted.gauge().set(hosted.shards());
            return Behaviors.same();
          })
          .build();
    }));
  }
}
