package io.stablegate.app.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A merchant of a node under test, over real HTTP: registered and logged in (session cookies with
 * the CSRF token, and the API key), with calls made either way.
 */
public final class Merchant {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String PASSWORD = "a long enough passphrase 42";

  private final String base;
  private final String email;
  private final String apiKey;
  private final Map<String, String> cookies;
  private String testApiKey;

  private Merchant(String base, String email, String apiKey, Map<String, String> cookies) {
    this.base = base;
    this.email = email;
    this.apiKey = apiKey;
    this.cookies = cookies;
  }

  /** Registers a new merchant at {@code base} (e.g. {@code http://127.0.0.1:8080}) and logs it in. */
  public static Merchant register(String base) throws Exception {
    String email = "merchant-" + UUID.randomUUID() + "@example.com";
    String credentials = JSON.writeValueAsString(Map.of("email", email, "password", PASSWORD));
    HttpResponse<String> registered = send(base, "POST", "/api/v1/auth/register", credentials, Map.of());
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    HttpResponse<String> login = send(base, "POST", "/api/v1/auth/login", credentials, Map.of());
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    Map<String, String> cookies = new HashMap<>();
    for (String header : login.headers().allValues("set-cookie")) {
      String pair = header.split(";", 2)[0];
      cookies.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
    }
    return new Merchant(base, email, JSON.readTree(registered.body()).get("apiKey").asText(), cookies);
  }

  public String email() {
    return email;
  }

  public String password() {
    return PASSWORD;
  }

  public String apiKey() {
    return apiKey;
  }

  /** Sets the merchant's wallet on {@code chain} (a session call). */
  public Merchant wallet(String chain, String address) throws Exception {
    HttpResponse<String> put = withSession("PUT", "/api/v1/wallets/" + chain,
        JSON.writeValueAsString(Map.of("address", address)));
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    return this;
  }

  /** Creates an invoice with the API key; returns it. */
  public JsonNode invoice(String chain, String amount) throws Exception {
    HttpResponse<String> created = withKey("POST", "/api/v1/invoices",
        JSON.writeValueAsString(Map.of("amount", amount, "chain", chain)));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return JSON.readTree(created.body());
  }

  /** Issues the merchant's test API key (test mode, a session call) and keeps it for {@link #withTestKey}. */
  public String issueTestKey() throws Exception {
    HttpResponse<String> issued = withSession("POST", "/api/v1/api-keys/test", null);
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    testApiKey = JSON.readTree(issued.body()).get("apiKey").asText();
    return testApiKey;
  }

  public HttpResponse<String> withTestKey(String method, String path, String body)
      throws IOException, InterruptedException {
    return send(base, method, path, body, Map.of("Authorization", "Bearer " + testApiKey));
  }

  /** A call with the session's cookies but without the CSRF header (what a forged cross-site form sends). */
  public HttpResponse<String> withCookiesOnly(String method, String path, String body)
      throws IOException, InterruptedException {
    return send(base, method, path, body, Map.of("Cookie", "jwt=" + cookies.get("jwt") + "; csrf=" + cookies.get("csrf")));
  }

  /** {@code value} as a JSON body. */
  public static String body(Object value) throws IOException {
    return JSON.writeValueAsString(value);
  }

  public HttpResponse<String> withKey(String method, String path, String body) throws IOException, InterruptedException {
    return send(base, method, path, body, Map.of("Authorization", "Bearer " + apiKey));
  }

  public HttpResponse<String> withSession(String method, String path, String body)
      throws IOException, InterruptedException {
    return send(base, method, path, body, Map.of("Cookie", "jwt=" + cookies.get("jwt") + "; csrf=" + cookies.get("csrf"),
        "X-CSRF-Token", cookies.get("csrf")));
  }

  public JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  /** An unauthenticated call. */
  public static HttpResponse<String> send(String base, String method, String path, String body,
      Map<String, String> headers) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
