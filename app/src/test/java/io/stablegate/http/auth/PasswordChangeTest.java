package io.stablegate.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/auth/password}: the current password is proven, the new one follows the
 * password policy, every other session of the merchant (and every copy of this one) is revoked, and
 * this session goes on with the cookies it is re-issued.
 */
class PasswordChangeTest {
  private static ApiTestServer server;

  @BeforeAll
  static void start() {
    server = new ApiTestServer();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void changingThePasswordRevokesEveryOtherSession() {
    ApiClient changer = server.client().signUp();
    String oldPassword = changer.password();
    ApiClient otherSession = server.client();
    assertThat(otherSession.logIn(changer.email(), oldPassword).status()).isEqualTo(200);
    ApiClient copyOfThisSession = server.client();
    copyOfThisSession.cookies().putAll(changer.cookies());
    ApiClient otherMerchant = server.client().signUp();
    String newPassword = "a brand new passphrase " + System.nanoTime();

    Answer changed = changer.withSession("POST", "/api/v1/auth/password",
        Map.of("currentPassword", oldPassword, "newPassword", newPassword));
    assertThat(changed.status()).as(changed.toString()).isEqualTo(204);
    assertThat(changed.headers("set-cookie")).anyMatch(c -> c.startsWith("jwt=")).anyMatch(c -> c.startsWith("csrf="));

    assertThat(changer.withSession("GET", "/api/v1/me", null).status()).as("this session goes on").isEqualTo(200);
    assertThat(changer.withSession("POST", "/api/v1/api-keys/rotate", null).status())
        .as("re-issued with a working csrf cookie, freshly confirmed").isEqualTo(200);
    assertThat(otherSession.withSession("GET", "/api/v1/me", null).status()).isEqualTo(401);
    assertThat(copyOfThisSession.withSession("GET", "/api/v1/me", null).status()).isEqualTo(401);
    assertThat(otherMerchant.withSession("GET", "/api/v1/me", null).status()).as("other merchants keep theirs")
        .isEqualTo(200);

    assertThat(server.client().logIn(changer.email(), oldPassword).status()).isEqualTo(401);
    assertThat(server.client().logIn(changer.email(), newPassword).status()).isEqualTo(200);
  }

  @Test
  void aWrongCurrentPasswordOrAWeakNewOneChangesNothing() {
    ApiClient merchant = server.client().signUp();
    ApiClient otherSession = server.client();
    assertThat(otherSession.logIn(merchant.email(), merchant.password()).status()).isEqualTo(200);

    Answer wrong = merchant.withSession("POST", "/api/v1/auth/password",
        Map.of("currentPassword", "not the password at all", "newPassword", "a brand new passphrase 1"));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.header("content-type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));

    Answer weak = merchant.withSession("POST", "/api/v1/auth/password",
        Map.of("currentPassword", merchant.password(), "newPassword", "short"));
    assertThat(weak.status()).isEqualTo(400);
    assertThat(weak.errorFields()).containsExactly("newPassword");
    Answer common = merchant.withSession("POST", "/api/v1/auth/password",
        Map.of("currentPassword", merchant.password(), "newPassword", "1qaz2wsx3edc"));
    assertThat(common.status()).isEqualTo(400);
    assertThat(common.errorFields()).containsExactly("newPassword");

    assertThat(merchant.withKey("POST", "/api/v1/auth/password",
        Map.of("currentPassword", merchant.password(), "newPassword", "a brand new passphrase 2")).status())
        .as("an API key cannot change the password").isEqualTo(401);
    assertThat(merchant.send("POST", "/api/v1/auth/password",
        Map.of("currentPassword", merchant.password(), "newPassword", "a brand new passphrase 3"), Map.of()).status())
        .as("the CSRF header is required").isEqualTo(403);

    assertThat(otherSession.withSession("GET", "/api/v1/me", null).status()).isEqualTo(200);
    assertThat(server.client().logIn(merchant.email(), merchant.password()).status()).isEqualTo(200);
  }
}
