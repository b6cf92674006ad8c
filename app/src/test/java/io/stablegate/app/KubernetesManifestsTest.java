package io.stablegate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The k8s/ manifests agree with the node's config and ask for no more than they need. */
class KubernetesManifestsTest {
  private static final Path K8S = Path.of(System.getProperty("user.dir")).getParent().resolve("k8s");
  private static final List<Map<String, Object>> DOCUMENTS = new ArrayList<>();
  private static Config node;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void load() throws IOException {
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (Reader reader = Files.newBufferedReader(file)) {
          for (Object doc : new Yaml().loadAll(reader)) {
            if (doc != null) {
              DOCUMENTS.add((Map<String, Object>) doc);
            }
          }
        }
      }
    }
    node = ConfigFactory.parseResources("cluster.conf").withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void deploymentRunsThreeReplicasWithSafeRollingUpdates() {
    Map<String, Object> spec = map(only("Deployment"), "spec");
    assertThat(spec.get("replicas")).isEqualTo(3);
    Map<String, Object> rolling = map(map(spec, "strategy"), "rollingUpdate");
    assertThat(rolling).containsEntry("maxSurge", 1).containsEntry("maxUnavailable", 0);
  }

  @Test
  void portsAndProbesMatchTheNodeConfig() {
    Map<String, Object> container = container();
    Map<String, Integer> ports = new java.util.HashMap<>();
    for (Map<String, Object> port : list(container, "ports")) {
      ports.put((String) port.get("name"), (Integer) port.get("containerPort"));
    }
    assertThat(ports).containsEntry("http", node.getInt("stablegate.http.port"))
        .containsEntry("management", node.getInt("pekko.management.http.port"))
        .containsEntry("remoting", node.getInt("pekko.remote.artery.canonical.port"));

    Map<String, Object> ready = map(map(container, "readinessProbe"), "httpGet");
    Map<String, Object> alive = map(map(container, "livenessProbe"), "httpGet");
    assertThat(ready).containsEntry("path", managementPath("readiness-path")).containsEntry("port", "management");
    assertThat(alive).containsEntry("path", managementPath("liveness-path")).containsEntry("port", "management");
    assertThat(managementPath("readiness-path")).isEqualTo("/ready");
    assertThat(managementPath("liveness-path")).isEqualTo("/alive");
  }

  @Test
  void secretsComeFromSecretKeyRefsAndHeapFromRamPercentages() {
    Map<String, Map<String, Object>> env = new java.util.HashMap<>();
    for (Map<String, Object> variable : list(container(), "env")) {
      env.put((String) variable.get("name"), variable);
    }
    for (String secret : List.of("STABLEGATE_DB_PASSWORD", "STABLEGATE_JWT_SECRET", "STABLEGATE_MASTER_KEY")) {
      assertThat(map(map(env.get(secret), "valueFrom"), "secretKeyRef")).containsKey("key");
    }
    assertThat((String) env.get("JAVA_TOOL_OPTIONS").get("value")).contains("MaxRAMPercentage");
    assertThat(map(container(), "resources")).containsKeys("requests", "limits");
  }

  @Test
  void podsAreFoundByTheLabelThatClusterBootstrapLooksFor() {
    String service = node.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name");
    String selector = node.getString("pekko.discovery.kubernetes-api.pod-label-selector").formatted(service);
    String[] label = selector.split("=");
    Map<String, Object> podLabels = map(map(map(map(only("Deployment"), "spec"), "template"), "metadata"), "labels");
    assertThat(podLabels).containsEntry(label[0], label[1]);
    assertThat(map(map(map(only("Deployment"), "spec"), "template"), "spec"))
        .containsEntry("serviceAccountName", map(only("ServiceAccount"), "metadata").get("name"));
  }

  @Test
  void rbacOnlyReadsPods() {
    List<Map<String, Object>> rules = list(only("Role"), "rules");
    assertThat(rules).hasSize(1);
    assertThat(rules.get(0).get("resources")).isEqualTo(List.of("pods"));
    assertThat(rules.get(0).get("verbs")).isEqualTo(List.of("get", "watch", "list"));
    assertThat(DOCUMENTS).noneMatch(d -> "ClusterRole".equals(d.get("kind")));
  }

  @Test
  void networkPolicyLetsOnlyStablegatePodsReachTheClusterPortAndOnlyTheScraperTheManagementPort() {
    Map<String, Object> policy = only("NetworkPolicy");
    Map<String, Object> spec = map(policy, "spec");
    assertThat(map(policy, "metadata").get("namespace")).isEqualTo(map(only("Deployment"), "metadata").get("namespace"));
    Map<String, Object> podLabels = map(map(map(map(only("Deployment"), "spec"), "template"), "metadata"), "labels");
    Map<String, Object> selected = map(map(spec, "podSelector"), "matchLabels");
    assertThat(podLabels).containsAllEntriesOf(selected);
    assertThat(selected).isNotEmpty();
    assertThat(spec.get("policyTypes")).isEqualTo(List.of("Ingress"));

    int http = node.getInt("stablegate.http.port");
    int cluster = node.getInt("pekko.remote.artery.canonical.port");
    int management = node.getInt("pekko.management.http.port");
    Map<Integer, List<Map<String, Object>>> fromByPort = new java.util.HashMap<>();
    for (Map<String, Object> rule : list(spec, "ingress")) {
      for (Map<String, Object> port : list(rule, "ports")) {
        assertThat(port.get("protocol")).isEqualTo("TCP");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> from = (List<Map<String, Object>>) rule.get("from");
        assertThat(fromByPort.put((Integer) port.get("port"), from)).as("one rule per port").isNull();
      }
    }
    // nothing else is opened
    assertThat(fromByPort.keySet()).containsExactlyInAnyOrder(http, cluster, management);
    // the API stays open to the ingress
    assertThat(fromByPort.get(http)).isNull();
    // the cluster port: Stablegate pods of this namespace only
    assertThat(fromByPort.get(cluster)).containsExactly(Map.of("podSelector", Map.of("matchLabels", selected)));
    // management: Stablegate pods (cluster bootstrap) and pods labelled as the scraper in a namespace
    // labelled as the scraper's (both selectors in one peer: an AND, not an OR)
    List<Map<String, Object>> managementPeers = fromByPort.get(management);
    assertThat(managementPeers).hasSize(2);
    assertThat(managementPeers.get(0)).isEqualTo(Map.of("podSelector", Map.of("matchLabels", selected)));
    Map<String, Object> scraper = managementPeers.get(1);
    assertThat(scraper).containsOnlyKeys("namespaceSelector", "podSelector");
    assertThat(map(map(scraper, "namespaceSelector"), "matchLabels")).containsEntry("stablegate.io/metrics-scraper", "true");
    assertThat(map(map(scraper, "podSelector"), "matchLabels")).containsEntry("stablegate.io/metrics-scraper", "true");
    assertThat(DOCUMENTS).noneMatch(d -> "NetworkPolicy".equals(d.get("kind")) && d != policy);
  }

  @Test
  void clusterTlsIsOnWithTheStoresMountedFromASecret() {
    assertThat(map(only("ConfigMap"), "data")).containsEntry("STABLEGATE_CLUSTER_TLS", "true");
    Map<String, Map<String, Object>> env = new java.util.HashMap<>();
    for (Map<String, Object> variable : list(container(), "env")) {
      env.put((String) variable.get("name"), variable);
    }
    for (String password : List.of("STABLEGATE_CLUSTER_TLS_KEYSTORE_PASSWORD", "STABLEGATE_CLUSTER_TLS_TRUSTSTORE_PASSWORD")) {
      assertThat(map(map(env.get(password), "valueFrom"), "secretKeyRef")).containsEntry("name", "stablegate-cluster-tls");
    }
    Map<String, Object> mount = list(container(), "volumeMounts").stream()
        .filter(m -> "cluster-tls".equals(m.get("name"))).findFirst().orElseThrow();
    assertThat(mount).containsEntry("readOnly", true);
    String dir = (String) mount.get("mountPath");
    assertThat((String) env.get("STABLEGATE_CLUSTER_TLS_KEYSTORE").get("value")).startsWith(dir + "/");
    assertThat((String) env.get("STABLEGATE_CLUSTER_TLS_TRUSTSTORE").get("value")).startsWith(dir + "/");
    Map<String, Object> volume = list(map(map(map(only("Deployment"), "spec"), "template"), "spec"), "volumes").stream()
        .filter(v -> "cluster-tls".equals(v.get("name"))).findFirst().orElseThrow();
    assertThat(map(volume, "secret")).containsEntry("secretName", "stablegate-cluster-tls");
  }

  @Test
  void disruptionBudgetKeepsAMajority() {
    assertThat(map(only("PodDisruptionBudget"), "spec")).containsEntry("maxUnavailable", 1);
  }

  private static String managementPath(String key) {
    return "/" + node.getString("pekko.management.health-checks." + key).replaceFirst("^/", "");
  }

  private static Map<String, Object> container() {
    List<Map<String, Object>> containers = list(map(map(map(only("Deployment"), "spec"), "template"), "spec"), "containers");
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  private static Map<String, Object> only(String kind) {
    List<Map<String, Object>> found = DOCUMENTS.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    assertThat(found).as(kind).hasSize(1);
    return found.get(0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    assertThat(parent).containsKey(key);
    return (Map<String, Object>) parent.get(key);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
    assertThat(parent).containsKey(key);
    return (List<Map<String, Object>>) parent.get(key);
  }
}
