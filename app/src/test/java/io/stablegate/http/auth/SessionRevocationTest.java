package io.stablegate.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.stablegate.http.ApiSettings;
import io.stablegate.http.security.NodeKeys;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.persistence.merchant.NodeSecrets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A session lives on the server: logging out revokes it, so a copy of its cookie stops working at
 * once, on the node that logged out and on every other node of the deployment; a well-signed token
 * that names no live server-side session is refused.
 */
class SessionRevocationTest {

  @Test
  void logoutRevokesACopiedTokenOnEveryNode() {
    try (ApiTestServer a = new ApiTestServer(); ApiTestServer b = new ApiTestServer(a.database(), ConfigFactory.empty())) {
      ApiClient merchant = a.client().signUp();
      ApiClient copyOnA = a.client();
      copyOnA.cookies().putAll(merchant.cookies());
      ApiClient copyOnB = ApiClient.forBaseUrl(b.baseUrl());
      copyOnB.cookies().putAll(merchant.cookies());
      assertThat(copyOnA.withSession("GET", "/api/v1/me", null).status()).isEqualTo(200);
      assertThat(copyOnB.withSession("GET", "/api/v1/me", null).status()).as("the session is valid on node B").isEqualTo(200);

      ApiClient.Answer logout = merchant.withSession("POST", "/api/v1/auth/logout", null);
      assertThat(logout.status()).isEqualTo(204);
      assertThat(logout.headers("set-cookie")).anyMatch(c -> c.startsWith("jwt=;") || c.startsWith("jwt=\"\""))
          .allMatch(c -> c.contains("Max-Age=0"));

      assertThat(copyOnA.withSession("GET", "/api/v1/me", null).status()).isEqualTo(401);
      assertThat(copyOnB.withSession("GET", "/api/v1/me", null).status())
          .as("revoked on node B from the next request on").isEqualTo(401);
      assertThat(copyOnB.withSession("POST", "/api/v1/auth/logout", null).status()).isEqualTo(401);
      assertThat(merchant.withKey("GET", "/api/v1/me", null).status()).as("the API key is not a session").isEqualTo(200);
    }
  }

  @Test
  void aWellSignedTokenWithoutALiveServerSideSessionIsRefused() throws Exception {
    try (ApiTestServer server = new ApiTestServer()) {
      ApiClient merchant = server.client().signUp();
      byte[] key = NodeKeys.resolve(ApiSettings.fromConfig(server.node().system().settings().config()),
          new NodeSecrets(server.dataSource())).jwtKey();
      Instant now = Instant.now();
      String csrf = "forged-csrf-token";
      // Signed with the node's own key, as a token minted before sessions were kept would be.
      String withoutSession = Jwts.builder().subject(merchant.merchantId().toString()).claim("csrf", csrf)
          .issuedAt(Date.from(now)).expiration(Date.from(now.plusSeconds(600)))
          .signWith(Keys.hmacShaKeyFor(key), Jwts.SIG.HS256).compact();
      String unknownSession = Jwts.builder().subject(merchant.merchantId().toString()).claim("csrf", csrf)
          .claim("sid", UUID.randomUUID().toString())
          .issuedAt(Date.from(now)).expiration(Date.from(now.plusSeconds(600)))
          .signWith(Keys.hmacShaKeyFor(key), Jwts.SIG.HS256).compact();
      for (String token : new String[] {withoutSession, unknownSession}) {
        ApiClient forger = server.client();
        forger.cookies().putAll(Map.of("jwt", token, "csrf", csrf));
        assertThat(forger.withSession("GET", "/api/v1/me", null).status()).isEqualTo(401);
      }
      assertThat(merchant.withSession("GET", "/api/v1/me", null).status()).isEqualTo(200);
    }
  }
}
