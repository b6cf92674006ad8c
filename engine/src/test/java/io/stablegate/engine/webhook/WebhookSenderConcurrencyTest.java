package io.stablegate.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** One slow merchant fills only its own lane: at most N requests in flight to it, others go through. */
class WebhookSenderConcurrencyTest {
  private static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString("""
      stablegate.webhook.max-concurrent-per-endpoint = 3
      stablegate.webhook.timeout = 20s
      """).withFallback(ConfigFactory.load()));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aSlowEndpointHoldsAtMostItsShareAndDoesNotDelayOthers() throws Exception {
    WebhookDeliverySettings settings = WebhookDeliverySettings.fromConfig(testKit.system().settings().config());
    WebhookSender sender = new WebhookSender(testKit.system(), settings,
        new WebhookTargetGuard(false, WebhookTargetGuard.HostResolver.system()), Clock.systemUTC());
    String secret = InMemoryWebhookEndpoints.newSecret();
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    UUID slowMerchant = UUID.randomUUID();
    UUID quickMerchant = UUID.randomUUID();
    try (WebhookReceiver slow = new WebhookReceiver(secret, (n, exchange) -> {
          maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          concurrent.decrementAndGet();
          WebhookReceiver.status(200).respond(n, exchange);
        });
        WebhookReceiver quick = new WebhookReceiver(secret, WebhookReceiver.status(204))) {
      List<CompletableFuture<AttemptResult>> slowOnes = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        slowOnes.add(sender.send(slowMerchant, slow.url(), "slow-" + i, new byte[0], List.of(secret))
            .toCompletableFuture());
      }
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> slow.received().size() == 3);

      AttemptResult quickResult = sender.send(quickMerchant, quick.url(), "quick", new byte[0], List.of(secret))
          .toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(quickResult.verdict()).isEqualTo(AttemptResult.Verdict.DELIVERED);
      assertThat(slow.received()).hasSize(3); // the other 7 wait in line

      release.countDown();
      CompletableFuture.allOf(slowOnes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      assertThat(slowOnes).allSatisfy(f -> assertThat(f.join().verdict()).isEqualTo(AttemptResult.Verdict.DELIVERED));
      assertThat(slow.received()).hasSize(10);
      assertThat(maxConcurrent.get()).isEqualTo(3);
    }
  }
}
