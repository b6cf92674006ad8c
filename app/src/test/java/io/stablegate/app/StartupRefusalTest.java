package io.stablegate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.app.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stablegate serve} refuses, before it opens any port, a node it must not run: an unknown
 * {@code STABLEGATE_MODE} (a typo must not start with development defaults), and production mode on
 * the embedded PostgreSQL (which trusts every connection from the machine). The node is a real
 * process ({@link Main} on this module's classpath): it logs why and exits with a non-zero status,
 * having created no database and started no ActorSystem.
 */
class StartupRefusalTest {

  @TempDir Path temp;

  @Test
  void anUnknownModeIsRefusedBeforeAnyPortOpens() throws Exception {
    Refusal refusal = serve(Map.of("STABLEGATE_MODE", "staging"));
    assertThat(refusal.exitCode()).isNotZero();
    assertThat(refusal.output()).contains("STABLEGATE_MODE must be 'development' or 'production', not 'staging'");
    refusal.assertNothingStarted();
  }

  @Test
  void productionOnTheEmbeddedDatabaseIsRefusedBeforeAnyPortOpens() throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    String secret = Base64.getEncoder().encodeToString(key);
    Refusal refusal = serve(Map.of("STABLEGATE_MODE", "production", "STABLEGATE_JWT_SECRET", secret,
        "STABLEGATE_MASTER_KEY", secret, "STABLEGATE_TRUST_PROXY", "true"));
    assertThat(refusal.exitCode()).isNotZero();
    assertThat(refusal.output()).contains("STABLEGATE_DB_URL").doesNotContain("STABLEGATE_JWT_SECRET");
    refusal.assertNothingStarted();
  }

  private record Refusal(int exitCode, String output, Path dataDir) {
    /** The refusal came first: no embedded database, no ActorSystem (which binds the cluster port). */
    void assertNothingStarted() {
      assertThat(dataDir).as("no embedded database was created").doesNotExist();
      assertThat(output).doesNotContain("Starting a Stablegate node").doesNotContain("Remoting started")
          .doesNotContain("Bound");
    }
  }

  private Refusal serve(Map<String, String> env) throws IOException, InterruptedException {
    Path dataDir = temp.resolve("data");
    Path log = temp.resolve("node.log");
    int http = FreePorts.next();
    int management = FreePorts.next();
    int cluster = FreePorts.next();
    Map<String, String> settings = new HashMap<>(Map.of(
        "STABLEGATE_DATA_DIR", dataDir.toString(),
        "STABLEGATE_HTTP_HOST", "127.0.0.1",
        "STABLEGATE_HTTP_PORT", String.valueOf(http),
        "STABLEGATE_MANAGEMENT_PORT", String.valueOf(management),
        "STABLEGATE_CLUSTER_PORT", String.valueOf(cluster)));
    settings.putAll(env);
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath, Main.class.getName(), "serve")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("STABLEGATE_"));
    builder.environment().putAll(settings);
    Process process = builder.start();
    boolean exited = process.waitFor(120, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    assertThat(exited).as("the node exits on its own; log: " + Files.readString(log)).isTrue();
    return new Refusal(process.exitValue(), Files.readString(log), dataDir);
  }
}
