package io.stablegate.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.money.Chain;
import io.stablegate.http.Blocking;
import io.stablegate.persistence.db.Database;
import io.stablegate.persistence.merchant.MerchantChanges;
import io.stablegate.persistence.merchant.MerchantRepository;
import io.stablegate.persistence.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Two nodes of one cluster, each with its API-key cache: a key rotated through node A stops working
 * on node B at once, although B had it cached, because the rotation notice evicts it there too.
 */
class ApiKeyCacheAcrossNodesTest {
  private static final Config NODE = ConfigFactory.parseString("""
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical.hostname = 127.0.0.1
      pekko.remote.artery.canonical.port = 0
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      pekko.coordinated-shutdown.exit-jvm = off
      pekko.loglevel = WARNING
      pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
      pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
      """).withFallback(ConfigFactory.load());

  @Test
  void rotationOnOneNodeEvictsTheKeyOnTheOther() throws Exception {
    ActorSystem<Void> a = ActorSystem.create(Behaviors.empty(), "stablegate", NODE);
    ActorSystem<Void> b = ActorSystem.create(Behaviors.empty(), "stablegate", NODE);
    try (Database database = Database.connect(TestDatabase.fresh(), 4)) {
      Cluster.get(a).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
      Cluster.get(b).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
          Cluster.get(b).selfMember().status() == MemberStatus.up()
              && Cluster.get(a).state().getMembers().spliterator().getExactSizeIfKnown() == 2);

      MerchantRepository merchants = new MerchantRepository(database.dataSource());
      Blocking blocking = new Blocking(Executors.newFixedThreadPool(2));
      MerchantChanges changesA = MerchantChanges.start(a);
      MerchantChanges changesB = MerchantChanges.start(b);
      ApiKeyAuthenticator onB = new ApiKeyAuthenticator(merchants, blocking, changesB, 1000);
      List<MerchantChanges.Notice> heardOnB = new CopyOnWriteArrayList<>();
      changesB.subscribe(heardOnB::add);
      // The topic learns of the other node's subscriber through the receptionist: wait until it has.
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
        changesA.publish(new MerchantChanges.WalletsChanged(Chain.TRON));
        return heardOnB.contains(new MerchantChanges.WalletsChanged(Chain.TRON));
      });

      UUID merchantId = UUID.randomUUID();
      String oldKey = ApiKeys.generate();
      merchants.create(merchantId, merchantId + "@example.com", "$2b$10$notarealhashnotarealhashnotarealhashnotarealha",
          ApiKeys.hash(oldKey), Instant.now());
      assertThat(onB.authenticate(oldKey).toCompletableFuture().join())
          .hasValue(new MerchantRepository.KeyOwner(merchantId, true));

      // Rotated through node A: the database changes and A announces it.
      merchants.rotateApiKey(merchantId, ApiKeys.hash(ApiKeys.generate()), "session");
      changesA.publish(new MerchantChanges.ApiKeyRotated(merchantId));

      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
          onB.authenticate(oldKey).toCompletableFuture().join().equals(Optional.empty()));
    } finally {
      a.terminate();
      b.terminate();
      a.getWhenTerminated().toCompletableFuture().join();
      b.getWhenTerminated().toCompletableFuture().join();
    }
  }
}
