package io.stablegate.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.security.KeyStore;
import java.util.Collections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artery TLS on the cluster port: with {@code stablegate.cluster.tls.enabled}
 * ({@code STABLEGATE_CLUSTER_TLS=true}) the node's remoting uses the {@code tls-tcp} transport with
 * mutual authentication, configured in cluster.conf from the mounted keystore and truststore. HOCON
 * cannot switch the transport on a flag, so this does; it also opens both stores first, so that a
 * missing file or a wrong password stops the node with a clear message instead of a failed handshake
 * later. docs/operations.md ("Cluster TLS") shows how to make the stores.
 */
public final class ClusterTls {
  private static final Logger log = LoggerFactory.getLogger(ClusterTls.class);

  private ClusterTls() {}

  /** {@code config} with the transport switched to {@code tls-tcp} when TLS is enabled; else unchanged. */
  public static Config configure(Config config) {
    Config tls = config.getConfig("stablegate.cluster.tls");
    if (!tls.getBoolean("enabled")) {
      return config;
    }
    check(tls.getString("key-store"), tls.getString("key-store-password"), "STABLEGATE_CLUSTER_TLS_KEYSTORE", true);
    check(tls.getString("trust-store"), tls.getString("trust-store-password"), "STABLEGATE_CLUSTER_TLS_TRUSTSTORE",
        false);
    log.info("Cluster port: Artery TLS (tls-tcp) with mutual authentication, keystore {}, truststore {}",
        tls.getString("key-store"), tls.getString("trust-store"));
    return config.withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"));
  }

  private static void check(String path, String password, String variable, boolean needsKey) {
    File file = new File(path);
    if (!file.canRead()) {
      throw new IllegalStateException("STABLEGATE_CLUSTER_TLS is on but " + variable + " (" + path
          + ") is not a readable file; docs/operations.md, \"Cluster TLS\"");
    }
    if (password.isEmpty()) {
      throw new IllegalStateException("STABLEGATE_CLUSTER_TLS is on but " + variable + "_PASSWORD is empty");
    }
    try {
      KeyStore store = KeyStore.getInstance(file, password.toCharArray());
      boolean hasKey = false;
      boolean hasCertificate = false;
      for (String alias : Collections.list(store.aliases())) {
        hasKey |= store.isKeyEntry(alias);
        hasCertificate |= store.isCertificateEntry(alias) || store.isKeyEntry(alias);
      }
      if (needsKey ? !hasKey : !hasCertificate) {
        throw new IllegalStateException(variable + " (" + path + ") holds no "
            + (needsKey ? "private key" : "certificate"));
      }
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot open " + variable + " (" + path + "): " + e.getMessage(), e);
    }
  }
}
