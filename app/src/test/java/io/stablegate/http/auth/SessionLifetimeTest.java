package io.stablegate.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A session in constant use is renewed, but ends at its maximum lifetime from the login, however often
 * it was renewed and although the nodes tolerate 30 s of clock skew on a token's own expiry.
 */
class SessionLifetimeTest {
  private static final Duration MAX_LIFETIME = Duration.ofSeconds(6);

  @Test
  void aRenewedSessionEndsAtItsMaximumLifetimeWithoutLeeway() {
    try (ApiTestServer server = new ApiTestServer(ConfigFactory.parseString("""
        stablegate.http.session.ttl = 4s
        stablegate.http.session.clock-skew = 30s
        stablegate.http.session.max-lifetime = 6s
        """))) {
      ApiClient merchant = server.client().signUp();
      String password = merchant.password();
      ApiClient user = server.client();
      Instant beforeLogin = Instant.now();
      assertThat(user.logIn(merchant.email(), password).status()).isEqualTo(200);
      Instant afterLogin = Instant.now();
      Instant end = beforeLogin.plus(MAX_LIFETIME);

      List<String> tokens = new ArrayList<>();
      tokens.add(user.cookies().get("jwt"));
      // Without the cap the session would be renewed for ever and never refused.
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
        Instant sent = Instant.now();
        Answer answer = user.withSession("GET", "/api/v1/me", null);
        Instant received = Instant.now();
        if (answer.status() == 200) {
          assertThat(sent).as("a request sent after the session's end was served")
              .isBefore(afterLogin.plus(MAX_LIFETIME));
          if (!tokens.contains(user.cookies().get("jwt"))) {
            tokens.add(user.cookies().get("jwt"));
          }
          return false;
        }
        assertThat(answer.status()).isEqualTo(401);
        assertThat(received).as("refused before the session's end").isAfterOrEqualTo(end);
        return true;
      });
      assertThat(tokens).as("the session was renewed while in use").hasSizeGreaterThan(1);
      for (String token : tokens) {
        assertThat(expiryOf(token)).as("no token outlives its session").isBeforeOrEqualTo(afterLogin.plus(MAX_LIFETIME));
      }
      // The last token's own expiry is within the skew tolerance, yet the session is over.
      ApiClient replay = server.client();
      replay.cookies().putAll(Map.of("jwt", tokens.get(tokens.size() - 1), "csrf", user.cookies().getOrDefault("csrf", "")));
      assertThat(replay.withSession("GET", "/api/v1/me", null).status()).isEqualTo(401);
      assertThat(user.logIn(merchant.email(), password).status()).as("a new login starts a new session").isEqualTo(200);
      assertThat(user.withSession("GET", "/api/v1/me", null).status()).isEqualTo(200);
    }
  }

  private static Instant expiryOf(String jwt) {
    String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
    return Instant.ofEpochSecond(Long.parseLong(payload.replaceAll(".*\"exp\":(\\d+).*", "$1")));
  }
}
