package io.stablegate.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.Arrays;
import java.util.List;

/** Turns the node's settings into the ActorSystem's config, including what HOCON cannot say itself. */
final class NodeConfig {

  private NodeConfig() {}

  /** {@code STABLEGATE_CLUSTER_SEED_NODES} is a comma-separated string; Pekko wants a list. */
  static Config seedNodes(Config config) {
    List<String> seeds = Arrays.stream(config.getString("stablegate.cluster.seed-nodes").split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
    return seeds.isEmpty()
        ? ConfigFactory.empty()
        : ConfigFactory.empty().withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds));
  }
}
