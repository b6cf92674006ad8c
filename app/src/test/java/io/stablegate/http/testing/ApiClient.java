package io.stablegate.http.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A merchant's HTTP client for tests: plain java.net.http over loopback, remembering the session
 * cookies it was given (jwt, csrf) and the API key, and sending the CSRF header with the cookie.
 */
public final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** An answer: status, headers and body. */
  public record Answer(int status, Map<String, List<String>> headers, String body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    public Optional<String> header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream()).findFirst();
    }

    public List<String> headers(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream()).toList();
    }

    /** The {@code field} of each entry of a problem's {@code errors}. */
    public List<String> errorFields() {
      List<String> fields = new ArrayList<>();
      json().path("errors").forEach(e -> fields.add(e.path("field").asText()));
      return fields;
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  private final String baseUrl;
  private final Map<String, String> cookies = new LinkedHashMap<>();
  private String apiKey;
  private UUID merchantId;
  private String email;
  private String password;

  ApiClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public static ApiClient forBaseUrl(String baseUrl) {
    return new ApiClient(baseUrl);
  }

  public String apiKey() {
    return apiKey;
  }

  public void apiKey(String key) {
    this.apiKey = key;
  }

  public UUID merchantId() {
    return merchantId;
  }

  public String email() {
    return email;
  }

  /** The password of the account this client signed up (or logged in) with. */
  public String password() {
    return password;
  }

  /** Logs in to an existing account; the client then holds a session of its own. */
  public Answer logIn(String mail, String secret) {
    Answer login = send("POST", "/api/v1/auth/login", Map.of("email", mail, "password", secret), Map.of());
    if (login.status() == 200) {
      email = mail;
      password = secret;
      merchantId = UUID.fromString(login.json().get("merchantId").asText());
    }
    return login;
  }

  public Map<String, String> cookies() {
    return cookies;
  }

  /** Registers a fresh account and logs in; the client then holds both the key and the session. */
  public ApiClient signUp() {
    String mail = "m-" + UUID.randomUUID() + "@example.com";
    String password = "correct horse battery " + UUID.randomUUID();
    Answer registered = send("POST", "/api/v1/auth/register", Map.of("email", mail, "password", password), Map.of());
    if (registered.status() != 201) {
      throw new IllegalStateException("register failed: " + registered);
    }
    apiKey = registered.json().get("apiKey").asText();
    merchantId = UUID.fromString(registered.json().get("merchantId").asText());
    email = mail;
    this.password = password;
    Answer login = send("POST", "/api/v1/auth/login", Map.of("email", mail, "password", password), Map.of());
    if (login.status() != 200) {
      throw new IllegalStateException("login failed: " + login);
    }
    return this;
  }

  /** With the API key. */
  public Answer withKey(String method, String path, Object body) {
    return send(method, path, body, Map.of("Authorization", "Bearer " + apiKey));
  }

  /** With the session cookies and the CSRF header. */
  public Answer withSession(String method, String path, Object body) {
    return send(method, path, body, Map.of("X-CSRF-Token", cookies.getOrDefault("csrf", "")));
  }

  /** With the cookies as held, and exactly the given headers. */
  public Answer send(String method, String path, Object body, Map<String, String> headers) {
    String text;
    try {
      text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> all = new LinkedHashMap<>();
    if (text != null) {
      all.put("Content-Type", "application/json");
    }
    all.putAll(headers);
    return raw(method, path, text == null ? null : text.getBytes(StandardCharsets.UTF_8), all);
  }

  public Answer raw(String method, String path, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    // An empty value suppresses the header (and, for Cookie, the held cookies).
    headers.forEach((name, value) -> {
      if (!value.isEmpty()) {
        request.header(name, value);
      }
    });
    if (!cookies.isEmpty() && headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Cookie"))) {
      request.header("Cookie", String.join("; ", cookies.entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue()).toList()));
    }
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      for (String setCookie : response.headers().allValues("set-cookie")) {
        String pair = setCookie.split(";", 2)[0];
        int eq = pair.indexOf('=');
        String name = pair.substring(0, eq).trim();
        String value = pair.substring(eq + 1).trim();
        if (value.isEmpty() || setCookie.toLowerCase().contains("max-age=0")) {
          cookies.remove(name);
        } else {
          cookies.put(name, value);
        }
      }
      return new Answer(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
