package io.stablegate.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.engine.ledger.WalletLedger;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * A one-node cluster on the in-memory journal with the sharded invoice and wallet-ledger entities:
 * what the engine tests that go through {@code InvoiceService} and {@code PaymentMatcher} run on.
 */
public final class SingleNodeEngine {
  private SingleNodeEngine() {}

  /** Started, joined to itself and Up; {@code extraConfig} (HOCON) wins over the defaults. */
  public static ActorTestKit start(String name, String extraConfig, Clock clock) {
    return start(name, extraConfig, clock, java.util.Optional.empty());
  }

  /** With the ledgers completing interrupted attaches through {@code attaches} (made from the system). */
  public static ActorTestKit start(String name, String extraConfig, Clock clock,
      java.util.Optional<java.util.function.Function<org.apache.pekko.actor.typed.ActorSystem<?>,
          io.stablegate.engine.ledger.AttachCompletion>> attaches) {
    ActorTestKit testKit = ActorTestKit.create(name, ConfigFactory.parseString(extraConfig)
        .withFallback(ConfigFactory.parseString("""
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = 0
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            # The first ask also starts the shard coordinator; the machine is shared.
            stablegate.ask-timeout = 15s
            """))
        .withFallback(PersistenceTestConfig.config()));
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up());
      return null;
    });
    InvoiceEntity.init(testKit.system(), clock);
    WalletLedger.init(testKit.system(), clock, java.util.Optional.empty(),
        attaches.map(make -> make.apply(testKit.system())));
    return testKit;
  }
}
