package io.stablegate.app.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.chain.evm.Anvil;
import io.stablegate.chain.evm.EvmChain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a page test runs against: a node on loopback ({@link LoopbackNode}), headless Chromium writing its
 * screenshots to {@code target/screenshots/}, and optionally anvil with a test USDT (6 decimals) that the node's
 * Ethereum watcher follows. Register it as a static extension; it starts when created and stops after the
 * class's tests ({@link #close()}: everything, and its temporary directory). A failed start stops what had
 * started.
 *
 * <pre>{@code
 * @RegisterExtension static final PageTestbed bed = PageTestbed.withEthereum(6);
 * }</pre>
 */
public final class PageTestbed implements AutoCloseable, AfterAllCallback {
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");
  /** anvil's chain id */
  public static final long ANVIL_CHAIN_ID = 31337;

  private final Path temp;
  private Anvil anvil;
  private EvmChain chain;
  private String token;
  private LoopbackNode node;
  private Browser browser;

  private PageTestbed() {
    try {
      temp = Files.createTempDirectory("stablegate-page-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A node with the chains off (and {@code overrides}), and Chromium. */
  public static PageTestbed start(Config overrides) {
    PageTestbed bed = new PageTestbed();
    try {
      bed.node = LoopbackNode.start(bed.temp.resolve("data"), overrides);
      bed.startBrowser();
      return bed;
    } catch (RuntimeException | Error e) {
      bed.close();
      throw e;
    }
  }

  public static PageTestbed start() {
    return start(ConfigFactory.empty());
  }

  /** anvil with a test USDT, a node watching it from the current head with {@code confirmations}, and Chromium. */
  public static PageTestbed withEthereum(int confirmations) {
    PageTestbed bed = new PageTestbed();
    try {
      bed.anvil = Anvil.start();
      bed.chain = new EvmChain(bed.anvil.url());
      bed.token = bed.chain.deployToken(6);
      bed.node = LoopbackNode.start(bed.temp.resolve("data"),
          LoopbackNode.ethereum(bed.anvil.url(), ANVIL_CHAIN_ID, bed.token, confirmations, bed.chain.head()));
      bed.startBrowser();
      return bed;
    } catch (IOException e) {
      bed.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      bed.close();
      throw e;
    }
  }

  private void startBrowser() {
    try {
      Files.createDirectories(SCREENSHOTS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    browser = Browser.start(temp.resolve("chromium-profile"), SCREENSHOTS);
  }

  public LoopbackNode node() {
    return node;
  }

  /** The node's base URL, {@code http://127.0.0.1:<port>}. */
  public String base() {
    return node.base();
  }

  public Browser browser() {
    return browser;
  }

  /** The anvil chain (only with {@link #withEthereum}). */
  public EvmChain chain() {
    return chain;
  }

  /** The test USDT's contract address (only with {@link #withEthereum}). */
  public String token() {
    return token;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    if (browser != null) {
      browser.close();
    }
    if (node != null) {
      node.close();
    }
    if (chain != null) {
      chain.close();
    }
    if (anvil != null) {
      anvil.close();
    }
    try (Stream<Path> files = Files.walk(temp)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a leftover in the system's temporary directory, not a failed test
    }
  }
}
