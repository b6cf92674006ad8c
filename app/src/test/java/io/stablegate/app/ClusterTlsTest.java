package io.stablegate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster port with STABLEGATE_CLUSTER_TLS on: nodes holding a certificate signed by the cluster's
 * authority form a cluster over Artery TLS; a node whose certificate another authority signed cannot
 * join, and neither can a plaintext one. The stores are made here with the JDK's keytool, as
 * docs/operations.md tells an operator to.
 */
class ClusterTlsTest {
  private static final String PASSWORD = "cluster-test-pw";
  @TempDir
  static Path dir;
  private static Path trusted;
  private static Path stranger;
  private final List<ActorSystem<Void>> systems = new ArrayList<>();

  @BeforeAll
  static void makeStores() throws Exception {
    trusted = Files.createDirectories(dir.resolve("trusted"));
    stranger = Files.createDirectories(dir.resolve("stranger"));
    makeStores(trusted, "stablegate-cluster-ca");
    makeStores(stranger, "someone-else-ca");
  }

  /** A CA, a node key signed by it (keystore.p12) and the CA alone (truststore.p12), as the docs do. */
  private static void makeStores(Path in, String caName) throws Exception {
    keytool(in, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + caName,
        "-ext", "bc:c", "-validity", "30", "-keystore", "ca.p12", "-storepass", PASSWORD);
    keytool(in, "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD,
        "-file", "ca.crt");
    keytool(in, "-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=stablegate-node", "-validity", "30", "-keystore", "keystore.p12", "-storepass", PASSWORD);
    keytool(in, "-certreq", "-alias", "node", "-keystore", "keystore.p12", "-storepass", PASSWORD,
        "-file", "node.csr");
    keytool(in, "-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD,
        "-infile", "node.csr", "-outfile", "node.crt", "-validity", "30",
        "-ext", "ku:c=digitalSignature,keyAgreement", "-ext", "eku=serverAuth,clientAuth");
    keytool(in, "-importcert", "-noprompt", "-alias", "ca", "-keystore", "keystore.p12", "-storepass", PASSWORD,
        "-file", "ca.crt");
    keytool(in, "-importcert", "-alias", "node", "-keystore", "keystore.p12", "-storepass", PASSWORD,
        "-file", "node.crt");
    keytool(in, "-importcert", "-noprompt", "-alias", "ca", "-keystore", "truststore.p12", "-storepass", PASSWORD,
        "-file", "ca.crt");
  }

  private static void keytool(Path in, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as("keytool %s: %s", args[0], output).isZero();
  }

  @AfterEach
  void stop() {
    systems.forEach(ActorSystem::terminate);
    systems.forEach(system -> Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> system.getWhenTerminated().toCompletableFuture().isDone()));
  }

  @Test
  void nodesWithTheClustersCertificatesFormAClusterAndOthersCannotJoin() {
    ActorSystem<Void> first = node(tls(trusted));
    Cluster firstCluster = Cluster.get(first);
    firstCluster.manager().tell(Join.create(firstCluster.selfMember().address()));
    assertThat(first.settings().config().getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");

    ActorSystem<Void> second = node(tls(trusted));
    Cluster.get(second).manager().tell(Join.create(firstCluster.selfMember().address()));
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> upMembers(first) == 2 && upMembers(second) == 2);

    // a certificate from another authority: the handshake fails both ways, it never joins
    ActorSystem<Void> intruder = node(tls(stranger));
    Cluster.get(intruder).manager().tell(Join.create(firstCluster.selfMember().address()));
    // and a plaintext node speaking to the TLS port
    ActorSystem<Void> plaintext = node(ConfigFactory.empty());
    Cluster.get(plaintext).manager().tell(Join.create(firstCluster.selfMember().address()));
    Awaitility.await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(15)).until(() ->
        memberCount(first) == 2
            && Cluster.get(intruder).selfMember().status() != MemberStatus.up()
            && Cluster.get(plaintext).selfMember().status() != MemberStatus.up());
    assertThat(memberCount(first)).isEqualTo(2);
  }

  @Test
  void aNodeWithTlsOnRefusesToStartWithoutItsStores() {
    Config missing = ConfigFactory.parseMap(Map.of(
            "stablegate.cluster.tls.enabled", true,
            "stablegate.cluster.tls.key-store", dir.resolve("nowhere.p12").toString(),
            "stablegate.cluster.tls.key-store-password", PASSWORD))
        .withFallback(base()).resolve();
    assertThatThrownBy(() -> ClusterTls.configure(missing)).hasMessageContaining("STABLEGATE_CLUSTER_TLS_KEYSTORE");
    Config wrongPassword = tls(trusted).withValue("stablegate.cluster.tls.key-store-password",
        ConfigValueFactory.fromAnyRef("not-it")).withFallback(base()).resolve();
    assertThatThrownBy(() -> ClusterTls.configure(wrongPassword)).hasMessageContaining("cannot open");
    assertThat(ClusterTls.configure(base().resolve()).getString("pekko.remote.artery.transport")).isEqualTo("tcp");
  }

  private static Config tls(Path stores) {
    return ConfigFactory.parseMap(Map.of(
        "stablegate.cluster.tls.enabled", true,
        "stablegate.cluster.tls.key-store", stores.resolve("keystore.p12").toString(),
        "stablegate.cluster.tls.key-store-password", PASSWORD,
        "stablegate.cluster.tls.trust-store", stores.resolve("truststore.p12").toString(),
        "stablegate.cluster.tls.trust-store-password", PASSWORD));
  }

  /** The node's cluster.conf, on loopback with a free port, without management or a database. */
  private static Config base() {
    return ConfigFactory.parseString("""
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = 0
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.coordinated-shutdown.exit-jvm = off
            pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes = off
            pekko.loglevel = INFO
            pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
            pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
            """)
        .withFallback(ConfigFactory.parseResources("cluster.conf"))
        .withFallback(ConfigFactory.load());
  }

  private ActorSystem<Void> node(Config settings) {
    Config config = ClusterTls.configure(settings.withFallback(base()).resolve());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "stablegate", config);
    systems.add(system);
    return system;
  }

  private static int upMembers(ActorSystem<Void> system) {
    int up = 0;
    for (var member : Cluster.get(system).state().getMembers()) {
      if (member.status() == MemberStatus.up()) {
        up++;
      }
    }
    return up;
  }

  private static int memberCount(ActorSystem<Void> system) {
    int count = 0;
    for (var ignored : Cluster.get(system).state().getMembers()) {
      count++;
    }
    return count;
  }
}
