package io.stablegate.http.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.engine.webhook.WebhookTargetGuard;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiTestServer;
import io.stablegate.http.webhooksettings.WebhookUrls;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * Production mode: refuses to start without secrets, TLS and an external database, and refuses an
 * unknown mode; with them, HTTPS, HSTS, Secure cookies, redirect; webhook URLs aimed at the inside are
 * refused when they are set.
 */
class ProductionModeTest {
  private static final String PASSWORD = "changeit-test";
  // Production refuses the embedded database; the guard only needs an external one named. The test
  // servers themselves run on the test database.
  private static final String EXTERNAL_DB = "stablegate.db.url = \"jdbc:postgresql://db.example.test/stablegate\"\n";

  private static Config production(String more) {
    return ConfigFactory.parseString("stablegate.mode = production\n" + more)
        .withFallback(ConfigFactory.load());
  }

  @Test
  void refusesToStartWithoutSecretsAndTls() {
    assertThatThrownBy(() -> ProductionGuard.check(production("")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("STABLEGATE_JWT_SECRET")
        .hasMessageContaining("STABLEGATE_MASTER_KEY")
        .hasMessageContaining("STABLEGATE_TLS_KEYSTORE")
        .hasMessageContaining("STABLEGATE_DB_URL");
    assertThatThrownBy(() -> ProductionGuard.check(production(secrets() + "stablegate.master-key = \"short\"")))
        .hasMessageContaining("base64 of 32 bytes");
    assertThatThrownBy(() -> ProductionGuard.check(production(secrets() + "stablegate.http.trust-proxy = true")))
        .as("the embedded PostgreSQL trusts local connections: not in production")
        .hasMessageContaining("STABLEGATE_DB_URL");
    ProductionGuard.check(production(secrets() + "stablegate.http.trust-proxy = true\n" + EXTERNAL_DB));
    ProductionGuard.check(ConfigFactory.load());
  }

  @Test
  void refusesAModeOtherThanDevelopmentOrProduction() {
    for (String mode : new String[] {"staging", "prod", ""}) {
      assertThatThrownBy(() -> ProductionGuard.check(ConfigFactory.parseString("stablegate.mode = \"" + mode + "\"")
          .withFallback(ConfigFactory.load())))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("STABLEGATE_MODE must be 'development' or 'production'");
    }
    ProductionGuard.check(ConfigFactory.parseString("stablegate.mode = development").withFallback(ConfigFactory.load()));
  }

  @Test
  void webhookUrlsReachingTheInsideAreRefusedWhenSet() {
    Config config = ConfigFactory.parseString(secrets() + EXTERNAL_DB
        + "stablegate.mode = production\nstablegate.http.trust-proxy = true\n");
    ProductionGuard.check(config.withFallback(ConfigFactory.load()));
    try (ApiTestServer server = new ApiTestServer(config)) {
      ApiClient merchant = server.client().signUp();
      for (String url : new String[] {"https://127.0.0.1/hook", "https://10.1.2.3/hook",
          "https://169.254.169.254/latest", "https://[::1]/hook", "https://[fd00::1]/hook", "https://localhost/hook",
          "https://192.168.1.1:8443/hook", "https://0.0.0.0/hook"}) {
        ApiClient.Answer refused = merchant.withSession("PUT", "/api/v1/webhook", java.util.Map.of("url", url));
        assertThat(refused.status()).as(url + " " + refused).isEqualTo(400);
        assertThat(refused.errorFields()).as(url).containsExactly("url");
      }
      assertThat(merchant.withKey("GET", "/api/v1/me", null).json().get("webhookUrl").isNull())
          .as("nothing was stored").isTrue();
      ApiClient.Answer accepted = merchant.withSession("PUT", "/api/v1/webhook",
          java.util.Map.of("url", "https://93.184.215.14/hook"));
      assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
    }
  }

  @Test
  void servesHttpsWithHstsSecureCookiesAndRedirectsPlainHttp() throws Exception {
    Path keystore = Path.of("target", "tls-" + UUID.randomUUID() + ".p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "stablegate", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
        "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
        .redirectErrorStream(true).start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
    int redirectPort;
    try (ServerSocket free = new ServerSocket(0)) {
      redirectPort = free.getLocalPort();
    }
    Config config = ConfigFactory.parseString(secrets() + EXTERNAL_DB
        + "stablegate.mode = production\n"
        + "stablegate.http.tls-keystore = \"" + keystore.toAbsolutePath() + "\"\n"
        + "stablegate.http.tls-keystore-password = \"" + PASSWORD + "\"\n"
        + "stablegate.http.redirect-port = " + redirectPort + "\n");
    ProductionGuard.check(config.withFallback(ConfigFactory.load()));
    try (ApiTestServer server = new ApiTestServer(config)) {
      HttpClient https = HttpClient.newBuilder().sslContext(trusting(keystore)).build();
      String base = "https://127.0.0.1:" + server.port();
      HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(v ->
          assertThat(v).startsWith("max-age="));

      String email = "tls-" + UUID.randomUUID() + "@example.com";
      String credentials = "{\"email\": \"" + email + "\", \"password\": \"a tls protected passphrase\"}";
      assertThat(https.send(post(base + "/api/v1/auth/register", credentials), HttpResponse.BodyHandlers.ofString())
          .statusCode()).isEqualTo(201);
      HttpResponse<String> login = https.send(post(base + "/api/v1/auth/login", credentials),
          HttpResponse.BodyHandlers.ofString());
      assertThat(login.headers().allValues("set-cookie")).allSatisfy(c -> assertThat(c).contains("Secure"));

      HttpClient plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
      HttpResponse<String> redirected = plain.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + redirectPort + "/api/v1/health?x=1")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(redirected.statusCode()).isEqualTo(308);
      assertThat(redirected.headers().firstValue("Location"))
          .hasValue("https://127.0.0.1:" + server.port() + "/api/v1/health?x=1");
    } finally {
      Files.deleteIfExists(keystore);
    }
  }

  @Test
  void productionRefusesPlainHttpWebhookUrls() {
    io.stablegate.http.ApiProblem refused = org.junit.jupiter.api.Assertions.assertThrows(io.stablegate.http.ApiProblem.class,
        () -> new WebhookUrls(true, WebhookTargetGuard.HostResolver.system()).check("http://shop.example.com/hook"));
    assertThat(refused.problem().errors()).extracting(e -> e.field()).containsExactly("url");
    assertThat(new WebhookUrls(false, WebhookTargetGuard.HostResolver.system()).check("http://shop.example.com/hook"))
        .isEqualTo("http://shop.example.com/hook");
  }

  @Test
  void productionRefusesPlainHttpRedirectUrls() {
    assertThat(io.stablegate.http.invoices.RedirectUrls.refusal("http://shop.example.com/thanks", true))
        .hasValueSatisfying(e -> assertThat(e.field()).isEqualTo("redirectUrl"));
    assertThat(io.stablegate.http.invoices.RedirectUrls.refusal("http://shop.example.com/thanks", false)).isEmpty();
    assertThat(io.stablegate.http.invoices.RedirectUrls.refusal("https://shop.example.com/thanks?o=1#done", true))
        .isEmpty();
  }

  private static HttpRequest post(String url, String json) {
    return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
  }

  private static String secrets() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return "stablegate.jwt-secret = \"" + Base64.getEncoder().encodeToString(key) + "\"\n"
        + "stablegate.master-key = \"" + Base64.getEncoder().encodeToString(key) + "\"\n";
  }

  private static SSLContext trusting(Path keystore) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
