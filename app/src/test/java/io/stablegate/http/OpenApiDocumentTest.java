package io.stablegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stablegate.http.testing.ApiClient;
import io.stablegate.http.testing.ApiClient.Answer;
import io.stablegate.http.testing.ApiTestServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the OpenAPI document, docs/api.md and the routes in step, on a server with every route a
 * node serves: every documented operation is served (the router does not answer "no such endpoint"
 * or 405); no method a path does not document is served on it; every path segment that the route
 * code matches appears in a documented path (or is one of the pages'), so a route added without
 * documenting it fails here; every call docs/api.md lists is in the document and the other way
 * round; every request and response has an example; the served document is the committed one.
 */
class OpenApiDocumentTest {
  /** Segments of the HTML pages and the management port, which the API document does not describe. */
  private static final Set<String> NOT_API = Set.of("dashboard", "assets", "pay", "qr.png", "docs", "metrics");
  private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH");
  /**
   * A literal path segment in route code: segment("x"), slash("x"), path("x"…), pathPrefix("x"…),
   * ApiPaths.api("x", …); not Jackson's node.path("x"), which a qualified call gives away.
   */
  private static final Pattern ROUTE_SEGMENT =
      Pattern.compile("(?:\\bsegment|\\bslash|(?<![.\\w])path|(?<![.\\w])pathPrefix)\\(\\s*\"([^\"]+)\"");
  private static final Pattern API_PATHS = Pattern.compile("ApiPaths\\.api\\(([^)]*)\\)");

  private static ApiTestServer server;
  private static JsonNode document;

  @BeforeAll
  static void start() throws Exception {
    server = new ApiTestServer();
    try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream("/openapi.json")) {
      document = new ObjectMapper().readTree(in);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theServedDocumentIsTheCommittedOne() {
    Answer served = server.client().send("GET", "/api/v1/openapi.json", null, Map.of());
    assertThat(served.status()).isEqualTo(200);
    assertThat(served.json()).isEqualTo(document);
    assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
  }

  @Test
  void everyDocumentedOperationIsRouted() {
    ApiClient client = server.client();
    for (String operation : operations()) {
      String method = operation.substring(0, operation.indexOf(' '));
      String path = concrete(operation.substring(operation.indexOf(' ') + 1));
      Answer answer = client.send(method, path, method.equals("GET") || method.equals("DELETE") ? null : "{}", Map.of());
      assertThat(answer.status()).as(operation).isNotEqualTo(405);
      if (answer.status() == 404) {
        assertThat(answer.body()).as(operation).doesNotContain("No such endpoint.");
      }
    }
  }

  @Test
  void noUndocumentedMethodIsServedOnADocumentedPath() {
    ApiClient client = server.client().signUp();
    Set<String> documented = new TreeSet<>(operations());
    for (String operation : operations()) {
      String template = operation.substring(operation.indexOf(' ') + 1);
      for (String method : METHODS) {
        if (documented.contains(method + " " + template)) {
          continue;
        }
        Answer answer = client.withKey(method, concrete(template), method.equals("GET") || method.equals("DELETE") ? null : "{}");
        assertThat(answer.status() == 405 || answer.status() == 404 && answer.body().contains("No such endpoint."))
            .as(method + " " + template + " is served but not documented: " + answer).isTrue();
      }
    }
  }

  @Test
  void everyPathSegmentTheRoutesMatchIsDocumented() throws Exception {
    Set<String> documented = new TreeSet<>();
    for (String operation : operations()) {
      for (String segment : operation.substring(operation.indexOf(' ') + 1).split("/")) {
        documented.add(segment);
      }
    }
    Set<String> routed = new TreeSet<>();
    List<Path> sources = new ArrayList<>();
    for (Path root : List.of(Path.of("..", "http", "src", "main", "java"), Path.of("..", "app", "src", "main", "java"))) {
      try (var files = Files.walk(root)) {
        files.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
      }
    }
    for (Path source : sources) {
      String code = Files.readString(source);
      Matcher segment = ROUTE_SEGMENT.matcher(code);
      while (segment.find()) {
        routed.add(segment.group(1));
      }
      Matcher api = API_PATHS.matcher(code);
      while (api.find()) {
        Matcher literal = Pattern.compile("\"([^\"]+)\"").matcher(api.group(1));
        while (literal.find()) {
          routed.add(literal.group(1));
        }
      }
    }
    assertThat(routed).as("segments found in the route code").contains("invoices", "webhook-deliveries", "redeliver", "pay");
    routed.removeAll(NOT_API);
    assertThat(documented).as("path segments matched by route code but in no documented path").containsAll(routed);
  }

  @Test
  void everyRequestAndResponseHasAnExample() {
    List<String> missing = new ArrayList<>();
    document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
      String name = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
      JsonNode body = op.getValue().path("requestBody").path("content");
      body.fields().forEachRemaining(c -> {
        if (!c.getValue().has("example") && !c.getValue().has("examples")) {
          missing.add(name + " request " + c.getKey());
        }
      });
      op.getValue().path("responses").fields().forEachRemaining(r -> r.getValue().path("content").fields()
          .forEachRemaining(c -> {
            if (!c.getValue().has("example") && !c.getValue().has("examples")) {
              missing.add(name + " " + r.getKey() + " " + c.getKey());
            }
          }));
    }));
    assertThat(missing).isEmpty();
  }

  private static String concrete(String template) {
    return template.replace("{id}", UUID.randomUUID().toString()).replace("{eventId}", UUID.randomUUID().toString())
        .replace("{chain}", "ETHEREUM");
  }

  @Test
  void everyCallInDocsApiMdIsDocumented() throws Exception {
    String markdown = Files.readString(Path.of("..", "docs", "api.md"));
    Matcher calls = Pattern.compile("`(GET|POST|PUT|DELETE) (/api/v1/[^`?\\s]*)").matcher(markdown);
    Set<String> listed = new TreeSet<>();
    while (calls.find()) {
      listed.add(calls.group(1) + " " + calls.group(2));
    }
    assertThat(new TreeSet<>(operations())).containsAll(listed);
    assertThat(listed).containsAll(operations());
  }

  private static List<String> operations() {
    List<String> operations = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields();
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> path = paths.next();
      path.getValue().fieldNames().forEachRemaining(method ->
          operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey()));
    }
    return operations;
  }
}
