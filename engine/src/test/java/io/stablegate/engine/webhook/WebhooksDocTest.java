package io.stablegate.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The verification snippets in docs/webhooks.md work: the Node.js one is run with {@code node}
 * against requests signed by {@link WebhookSigner}; the Java one is {@link StandardWebhooksVerifier}
 * word for word (which every delivery test's receiver runs).
 */
class WebhooksDocTest {
  private static final Path DOC = Path.of("..", "docs", "webhooks.md");

  @Test
  void theNodeSnippetAcceptsOurSignaturesAndRejectsATamperedBody() throws Exception {
    String current = InMemoryWebhookEndpoints.newSecret();
    String previous = InMemoryWebhookEndpoints.newSecret();
    byte[] body = "{\"id\":\"evt\",\"type\":\"invoice.paid\",\"data\":{\"invoice\":{\"amount\":\"10.5\"}}}"
        .getBytes(StandardCharsets.UTF_8);
    long now = Instant.now().getEpochSecond();
    WebhookSigner.Signatures signatures = WebhookSigner.sign("evt", now, body, List.of(current, previous));

    assertThat(runNode(previous, "evt", now, signatures, body)).isEqualTo("valid valid");
    assertThat(runNode(current, "evt", now, signatures, body)).isEqualTo("valid valid");
    byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("10.5", "99.5").getBytes(StandardCharsets.UTF_8);
    assertThat(runNode(current, "evt", now, signatures, tampered)).isEqualTo("invalid invalid");
    assertThat(runNode(InMemoryWebhookEndpoints.newSecret(), "evt", now, signatures, body)).isEqualTo("invalid invalid");
  }

  @Test
  void theJavaSnippetIsTheTestedVerifier() throws Exception {
    String source = Files.readString(Path.of("src", "test", "java", "io", "stablegate", "engine", "webhook",
        "StandardWebhooksVerifier.java"));
    String tested = between(source, "// --8<-- [start:verifier]\n", "// --8<-- [end:verifier]");
    String documented = between(Files.readString(DOC), "<!-- verify-java:start -->\n```java\n", "```\n<!-- verify-java:end -->");
    assertThat(documented.strip()).isEqualTo(tested.strip());
  }

  private static String runNode(String secret, String id, long timestamp, WebhookSigner.Signatures s, byte[] body)
      throws Exception {
    String snippet = between(Files.readString(DOC), "<!-- verify-node:start -->\n```js\n", "```\n<!-- verify-node:end -->");
    String driver = """

        const body = Buffer.from(process.env.BODY_B64, 'base64');
        const headers = {
          'webhook-id': process.env.WEBHOOK_ID,
          'webhook-timestamp': process.env.WEBHOOK_TIMESTAMP,
          'webhook-signature': process.env.WEBHOOK_SIGNATURE,
        };
        const standard = verifyWebhook(process.env.SECRET, headers, body);
        const legacy = verifyLegacySignature(process.env.SECRET, process.env.LEGACY_SIGNATURE, body);
        process.stdout.write(`${standard ? 'valid' : 'invalid'} ${legacy ? 'valid' : 'invalid'}`);
        """;
    Path script = Files.createTempFile("verify-webhook", ".mjs");
    try {
      Files.writeString(script, snippet + driver);
      ProcessBuilder pb = new ProcessBuilder("node", script.toString()).redirectErrorStream(true);
      pb.environment().put("SECRET", secret);
      pb.environment().put("WEBHOOK_ID", id);
      pb.environment().put("WEBHOOK_TIMESTAMP", Long.toString(timestamp));
      pb.environment().put("WEBHOOK_SIGNATURE", s.webhookSignature());
      pb.environment().put("LEGACY_SIGNATURE", s.legacySignature());
      pb.environment().put("BODY_B64", Base64.getEncoder().encodeToString(body));
      Process node = pb.start();
      String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(node.exitValue()).as(out).isZero();
      return out.strip();
    } finally {
      Files.deleteIfExists(script);
    }
  }

  private static String between(String text, String start, String end) {
    Matcher m = Pattern.compile(Pattern.quote(start) + "(.*?)" + Pattern.quote(end), Pattern.DOTALL).matcher(text);
    assertThat(m.find()).as("markers %s … %s", start, end).isTrue();
    return m.group(1);
  }
}
