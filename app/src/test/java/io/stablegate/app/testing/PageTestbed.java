package io.stablegate.app.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.chain.evm.Anvil;
import io.stablegate.chain.evm.EvmChain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a page test runs against: a node on loopback ({@link LoopbackNode}), headless Chromium writing its
 * screenshots to {@code target/screenshots/}, and optionally anvil with a test USDT (6 decimals) that the node's
 * Ethereum watcher follows. {@link #close()} stops all of it; a failed start stops what had started.
 */
public final class PageTestbed implements AutoCloseable {
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");
  /** anvil's chain id */
  public static final long ANVIL_CHAIN_ID = 31337;

  private Anvil anvil;
  private EvmChain chain;
  private String token;
  private LoopbackNode node;
  private Browser browser;

  private PageTestbed() {}

  /** A node with the chains off, and Chromium; {@code temp} holds the node's data and the browser profile. */
  public static PageTestbed start(Path temp, Config overrides) {
    PageTestbed bed = new PageTestbed();
    try {
      bed.node = LoopbackNode.start(temp.resolve("data"), overrides);
      bed.startBrowser(temp);
      return bed;
    } catch (RuntimeException | Error e) {
      bed.close();
      throw e;
    }
  }

  public static PageTestbed start(Path temp) {
    return start(temp, ConfigFactory.empty());
  }

  /** anvil with a test USDT, a node watching it from the current head with {@code confirmations}, and Chromium. */
  public static PageTestbed withEthereum(Path temp, int confirmations) throws IOException {
    PageTestbed bed = new PageTestbed();
    try {
      bed.anvil = Anvil.start();
      bed.chain = new EvmChain(bed.anvil.url());
      bed.token = bed.chain.deployToken(6);
      bed.node = LoopbackNode.start(temp.resolve("data"),
          LoopbackNode.ethereum(bed.anvil.url(), ANVIL_CHAIN_ID, bed.token, confirmations, bed.chain.head()));
      bed.startBrowser(temp);
      return bed;
    } catch (IOException | RuntimeException | Error e) {
      bed.close();
      throw e;
    }
  }

  private void startBrowser(Path temp) {
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
  }
}
