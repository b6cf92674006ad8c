package io.stablegate.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

  private static final byte[] BODY = "{\"id\":\"e1\",\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void bothSignaturesVerifyWithAnIndependentImplementationOfTheSpec() throws Exception {
    String secret = InMemoryWebhookEndpoints.newSecret();
    long now = Instant.now().getEpochSecond();
    WebhookSigner.Signatures s = WebhookSigner.sign("msg_1", now, BODY, List.of(secret));

    assertThat(s.legacySignature()).matches("sha256=[0-9a-f]{64}");
    assertThat(s.webhookSignature()).startsWith("v1,");
    assertThat(StandardWebhooksVerifier.verify(secret, "msg_1", Long.toString(now), s.webhookSignature(), BODY))
        .isTrue();
    assertThat(StandardWebhooksVerifier.verifyLegacy(secret, s.legacySignature(), BODY)).isTrue();
  }

  @Test
  void theStandardWebhooksTestVectorMatches() {
    // The example of the Standard Webhooks reference libraries.
    String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    byte[] body = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    WebhookSigner.Signatures s = WebhookSigner.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, List.of(secret));
    assertThat(s.webhookSignature()).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void duringARotationEachHeaderCarriesBothSignaturesAndEitherSecretVerifies() throws Exception {
    String current = InMemoryWebhookEndpoints.newSecret();
    String previous = InMemoryWebhookEndpoints.newSecret();
    long now = Instant.now().getEpochSecond();
    WebhookSigner.Signatures s = WebhookSigner.sign("msg_2", now, BODY, List.of(current, previous));

    assertThat(s.webhookSignature().split(" ")).hasSize(2);
    assertThat(s.legacySignature().split(" ")).hasSize(2);
    for (String secret : List.of(current, previous)) {
      assertThat(StandardWebhooksVerifier.verify(secret, "msg_2", Long.toString(now), s.webhookSignature(), BODY))
          .isTrue();
      assertThat(StandardWebhooksVerifier.verifyLegacy(secret, s.legacySignature(), BODY)).isTrue();
    }
    String stranger = InMemoryWebhookEndpoints.newSecret();
    assertThat(StandardWebhooksVerifier.verify(stranger, "msg_2", Long.toString(now), s.webhookSignature(), BODY))
        .isFalse();
  }

  @Test
  void aChangedBodyIdOrTimestampDoesNotVerify() throws Exception {
    String secret = InMemoryWebhookEndpoints.newSecret();
    long now = Instant.now().getEpochSecond();
    WebhookSigner.Signatures s = WebhookSigner.sign("msg_3", now, BODY, List.of(secret));
    byte[] tampered = "{\"id\":\"e1\",\"type\":\"pong\"}".getBytes(StandardCharsets.UTF_8);

    assertThat(StandardWebhooksVerifier.verify(secret, "msg_3", Long.toString(now), s.webhookSignature(), tampered))
        .isFalse();
    assertThat(StandardWebhooksVerifier.verify(secret, "msg_4", Long.toString(now), s.webhookSignature(), BODY))
        .isFalse();
    assertThat(StandardWebhooksVerifier.verify(secret, "msg_3", Long.toString(now - 1), s.webhookSignature(), BODY))
        .isFalse();
    assertThat(StandardWebhooksVerifier.verifyLegacy(secret, s.legacySignature(), tampered)).isFalse();
  }
}
