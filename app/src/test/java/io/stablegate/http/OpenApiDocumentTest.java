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
 * Keeps the OpenAPI document, docs/api.md and the routes in step: every documented operation is
 * served (the router does not answer "no such endpoint" or 405), every call docs/api.md lists is in
 * the document, and the served document is the committed one.
 */
class OpenApiDocumentTest {
  /** Calls written by other modules (webhook deliveries); docs/api.md names them, this document does not. */
  private static final Set<String> OTHER_MODULES = Set.of(
      "GET /api/v1/webhook-deliveries", "POST /api/v1/webhook-deliveries/{eventId}/redeliver", "POST /api/v1/webhook/test");

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
      String path = operation.substring(operation.indexOf(' ') + 1)
          .replace("{id}", UUID.randomUUID().toString())
          .replace("{chain}", "ETHEREUM");
      Answer answer = client.send(method, path, method.equals("GET") || method.equals("DELETE") ? null : "{}", Map.of());
      assertThat(answer.status()).as(operation).isNotEqualTo(405);
      if (answer.status() == 404) {
        assertThat(answer.json().get("detail").asText()).as(operation).isNotEqualTo("No such endpoint.");
      }
    }
  }

  @Test
  void everyCallInDocsApiMdIsDocumented() throws Exception {
    String markdown = Files.readString(Path.of("..", "docs", "api.md"));
    Matcher calls = Pattern.compile("`(GET|POST|PUT|DELETE) (/api/v1/[^`?\\s]*)").matcher(markdown);
    Set<String> listed = new TreeSet<>();
    while (calls.find()) {
      listed.add(calls.group(1) + " " + calls.group(2));
    }
    listed.removeAll(OTHER_MODULES);
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
