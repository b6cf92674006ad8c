package io.stablegate.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Sessions are short-lived and renewed while in use; a session left alone expires. */
class SessionRenewalTest {

  @Test
  void aSessionInUseIsRenewedAndAnIdleOneExpires() {
    try (ApiTestServer server = new ApiTestServer(ConfigFactory.parseString("""
        stablegate.http.session.ttl = 6s
        stablegate.http.session.clock-skew = 0s
        """))) {
      // The idle merchant signs up first: sign-up is slow on purpose (bcrypt), and on a loaded machine
      // the active session could otherwise expire before its first request.
      ApiClient idle = server.client().signUp();
      ApiClient active = server.client().signUp();
      String firstJwt = active.cookies().get("jwt");
      AtomicReference<Answer> renewal = new AtomicReference<>();
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
        Answer answer = active.withSession("GET", "/api/v1/me", null);
        assertThat(answer.status()).isEqualTo(200);
        if (!answer.headers("set-cookie").isEmpty()) {
          renewal.set(answer);
          return true;
        }
        return false;
      });
      assertThat(renewal.get().headers("set-cookie")).anyMatch(c -> c.startsWith("jwt="))
          .anyMatch(c -> c.startsWith("csrf="));
      assertThat(active.cookies().get("jwt")).isNotEqualTo(firstJwt);

      assertThat(active.withSession("POST", "/api/v1/api-keys/rotate", null).status())
          .as("the renewed session and its csrf cookie work").isEqualTo(200);

      // The idle session is not touched until its own expiry has passed (a request would renew it).
      Instant expiry = expiryOf(idle.cookies().get("jwt"));
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Instant.now().isAfter(expiry.plusSeconds(1)));
      assertThat(idle.send("GET", "/api/v1/me", null, java.util.Map.of()).status()).isEqualTo(401);
    }
  }

  private static Instant expiryOf(String jwt) {
    String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
    return Instant.ofEpochSecond(Long.parseLong(payload.replaceAll(".*\"exp\":(\\d+).*", "$1")));
  }
}
