package io.stablegate.chain.evm;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * A real anvil process on a free loopback port, installed by the build ({@code npm ci} in
 * {@code src/test/node}). Close it in {@code @AfterAll}; a JVM shutdown hook kills it too, should the
 * test run die first.
 */
public final class Anvil implements AutoCloseable {
  /** Installed by the app module's build; its tests and benchmarks run in the module's folder. */
  private static final Path BINARY = Path.of("src/test/node/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");

  private final Process process;
  private final int port;
  private final Thread killer;

  private Anvil(Process process, int port) {
    this.process = process;
    this.port = port;
    this.killer = new Thread(process::destroyForcibly, "anvil-killer");
    Runtime.getRuntime().addShutdownHook(killer);
  }

  public static Anvil start() throws IOException {
    return start(31337);
  }

  /** An anvil reporting {@code chainId}, with {@code extra} arguments (like {@code --block-time}). */
  public static Anvil start(long chainId, String... extra) throws IOException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(BINARY.toAbsolutePath() + " is missing: run the Maven build (npm ci)");
    }
    int port = freePort();
    Path log = Path.of("target", "anvil-" + port + ".log");
    Files.createDirectories(log.getParent());
    List<String> command = new java.util.ArrayList<>(List.of(BINARY.toString(), "--host", "127.0.0.1", "--port",
        String.valueOf(port), "--chain-id", String.valueOf(chainId)));
    command.addAll(List.of(extra));
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    Anvil anvil = new Anvil(process, port);
    Web3j probe = Web3j.build(new HttpService(anvil.url()));
    try {
      Awaitility.await().atMost(io.stablegate.chain.EngineHarness.PATIENCE).pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .until(() -> {
            if (!process.isAlive()) {
              throw new IllegalStateException("anvil exited; see " + log.toAbsolutePath());
            }
            return probe.ethChainId().send().getChainId().longValue() == chainId;
          });
    } catch (RuntimeException e) {
      anvil.close();
      throw e;
    } finally {
      probe.shutdown();
    }
    return anvil;
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs anyway
    }
  }
}
