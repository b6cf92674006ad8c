package io.stablegate.app.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A Stablegate node run the way an operator runs it: {@code ./stablegate serve} in its own process,
 * configured only through STABLEGATE_… environment variables, with its output in a log file.
 */
public final class NodeProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int httpPort;
  private final int managementPort;
  private final Path log;

  private NodeProcess(Process process, int httpPort, int managementPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.log = log;
  }

  /** Starts {@code ./stablegate serve} from the repository root with {@code env} on top of the defaults. */
  public static NodeProcess start(Path log, Map<String, String> env) {
    Path repositoryRoot = Path.of(System.getProperty("user.dir")).getParent();
    Map<String, String> settings = new HashMap<>();
    settings.put("STABLEGATE_HTTP_PORT", String.valueOf(FreePorts.next()));
    settings.put("STABLEGATE_HTTP_HOST", "127.0.0.1");
    settings.put("STABLEGATE_MANAGEMENT_PORT", String.valueOf(FreePorts.next()));
    settings.put("STABLEGATE_CLUSTER_PORT", String.valueOf(FreePorts.next()));
    settings.putAll(env);
    ProcessBuilder builder = new ProcessBuilder(repositoryRoot.resolve("stablegate").toString(), "serve")
        .directory(repositoryRoot.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(settings);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    try {
      log.getParent().toFile().mkdirs();
      return new NodeProcess(builder.start(), Integer.parseInt(settings.get("STABLEGATE_HTTP_PORT")),
          Integer.parseInt(settings.get("STABLEGATE_MANAGEMENT_PORT")), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + httpPort + path);
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A GET on the management port ({@code /ready}, {@code /alive}). */
  public HttpResponse<String> management(String path) throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + managementPort + path);
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Waits until {@code GET /api/v1/health} answers 200. A node that does not get there is killed, so
   * that a failed start (often inside a try-with-resources that never receives it) leaves no process.
   */
  public NodeProcess awaitHealthy(Duration within) {
    try {
      Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
          .until(() -> {
            if (!process.isAlive()) {
              throw new AssertionError("node exited with " + process.exitValue() + "; see " + log);
            }
            return get("/api/v1/health").statusCode() == 200;
          });
      return this;
    } catch (RuntimeException | AssertionError e) {
      close();
      throw e;
    }
  }

  public Process process() {
    return process;
  }

  public File logFile() {
    return log.toFile();
  }

  /** SIGKILL: the JVM gets no chance to clean up. */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** SIGTERM, then waits for a graceful exit. */
  public int stop(Duration within) throws InterruptedException {
    // the launcher execs java, so the process is the JVM itself
    process.destroy();
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
      throw new AssertionError("node did not stop within " + within);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
