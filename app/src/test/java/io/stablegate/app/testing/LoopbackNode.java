package io.stablegate.app.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.app.NodeOptions;
import io.stablegate.app.StablegateNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * A whole node as the page and API tests use it: {@link StablegateNode} in production mode on free
 * loopback ports, its embedded PostgreSQL under {@code dataDir}, cheap bcrypt, every chain off unless
 * {@code overrides} says otherwise (they win over these defaults). Started when {@code /api/v1/health}
 * answers; closed when its actor system has terminated.
 */
public final class LoopbackNode implements AutoCloseable {
  private final StablegateNode node;
  private final String base;

  private LoopbackNode(StablegateNode node, String base) {
    this.node = node;
    this.base = base;
  }

  public static LoopbackNode start(Path dataDir, Config overrides) {
    int httpPort = FreePorts.next();
    String base = "http://127.0.0.1:" + httpPort;
    Config defaults = ConfigFactory.parseString("""
        stablegate.http.host = "127.0.0.1"
        stablegate.http.port = %d
        stablegate.public-url = "%s"
        stablegate.db.data-dir = "%s"
        stablegate.http.bcrypt-cost = 10
        stablegate.chains.tron.enabled = false
        stablegate.chains.ethereum.enabled = false
        stablegate.chains.bsc.enabled = false
        pekko.remote.artery.canonical.port = %d
        pekko.management.http.port = %d
        pekko.coordinated-shutdown.exit-jvm = off
        """.formatted(httpPort, base, dataDir.toString().replace("\\", "/"), FreePorts.next(), FreePorts.next()));
    StablegateNode node = StablegateNode.start(NodeOptions.production().withOverrides(overrides.withFallback(defaults)));
    Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .until(() -> Merchant.send(base, "GET", "/api/v1/health", null, Map.of()).statusCode() == 200);
    return new LoopbackNode(node, base);
  }

  public static LoopbackNode start(Path dataDir) {
    return start(dataDir, ConfigFactory.empty());
  }

  /**
   * The overrides that turn the node's Ethereum watcher on against a local chain (anvil): its RPC URL and
   * chain id, the USDT contract, the confirmations, polled every 200 ms from {@code startBlock}.
   */
  public static Config ethereum(String rpcUrl, long chainId, String usdtContract, int confirmations,
      long startBlock) {
    return ConfigFactory.parseString("""
        stablegate.chains.ethereum.enabled = true
        stablegate.chains.ethereum.rpc-urls = "%s"
        stablegate.chains.ethereum.chain-id = %d
        stablegate.chains.ethereum.usdt-contract = "%s"
        stablegate.chains.ethereum.confirmations = %d
        stablegate.chains.ethereum.poll-interval-ms = 200
        stablegate.chains.ethereum.start-block = "%d"
        """.formatted(rpcUrl, chainId, usdtContract, confirmations, startBlock));
  }

  public StablegateNode node() {
    return node;
  }

  /** {@code http://127.0.0.1:<port>}, the public URL too. */
  public String base() {
    return base;
  }

  @Override
  public void close() {
    node.close();
    Awaitility.await().atMost(Duration.ofSeconds(60))
        .until(() -> node.system().getWhenTerminated().toCompletableFuture().isDone());
  }
}
