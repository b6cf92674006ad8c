package io.stablegate.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * In production the sender resolves through the guard when it connects: a public-looking host name
 * that resolves to loopback is refused before any byte reaches it, and plain http is refused outright.
 */
class WebhookSenderProductionTest {
  private static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString("""
      stablegate.mode = production
      stablegate.webhook.timeout = 20s
      """).withFallback(ConfigFactory.load()));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aHostThatResolvesToLoopbackIsRefusedAtConnectTime() throws Exception {
    WebhookDeliverySettings settings = WebhookDeliverySettings.fromConfig(testKit.system().settings().config());
    assertThat(settings.production()).isTrue();
    // "DNS" answers loopback for the merchant's name: what a rebinding attacker would arrange
    WebhookTargetGuard.HostResolver rebinding = host -> List.of(InetAddress.getLoopbackAddress());
    WebhookSender sender = new WebhookSender(testKit.system(), settings, new WebhookTargetGuard(true, rebinding),
        Clock.systemUTC());
    String secret = InMemoryWebhookEndpoints.newSecret();
    try (WebhookReceiver receiver = new WebhookReceiver(secret, WebhookReceiver.status(200))) {
      AttemptResult viaName = sender.send(UUID.randomUUID(), "https://merchant.example:" + receiver.port() + "/hooks",
          "e1", new byte[0], List.of(secret)).toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(viaName.verdict()).isEqualTo(AttemptResult.Verdict.RETRY);
      assertThat(viaName.statusCode()).isNull();
      assertThat(viaName.error()).contains("refused target").contains("loopback");

      AttemptResult plainHttp = sender.send(UUID.randomUUID(), receiver.url(), "e2", new byte[0], List.of(secret))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(plainHttp.error()).isEqualTo("refused target: webhook URLs must use https");

      assertThat(receiver.received()).isEmpty();
    }
  }
}
