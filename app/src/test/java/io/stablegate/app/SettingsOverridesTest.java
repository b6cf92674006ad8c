package io.stablegate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every operator-facing setting of every module has its {@code ${?STABLEGATE_…}} override, and
 * docs/settings.md lists every variable and every internal setting. Pekko's own settings ({@code pekko.*})
 * are the node's wiring, not the product's settings, and are left out.
 */
class SettingsOverridesTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final List<Path> FILES = List.of(
      Path.of("engine/src/main/resources/reference.conf"),
      Path.of("persistence/src/main/resources/reference.conf"),
      Path.of("chain-actors/src/main/resources/reference.conf"),
      Path.of("http/src/main/resources/reference.conf"),
      Path.of("app/src/main/resources/reference.conf"),
      Path.of("app/src/main/resources/application.conf"),
      Path.of("cluster.conf"));

  /** Settings deliberately without an override; docs/settings.md says why for each. */
  private static final Set<String> INTERNAL = Set.of(
      // fixed once deployed: events keep the tag they were written with
      "stablegate.invoice.tag-count",
      "stablegate.ledger.tag-count",
      // promised by the API (docs/api.md): 409 beyond 100 steps of 0.0001
      "stablegate.ledger.max-pay-amount-steps",
      // promised by the API (docs/api.md)
      "stablegate.http.max-body-size",
      "stablegate.http.idempotency-retention",
      "stablegate.http.webhook-secret-grace",
      "stablegate.http.default-page-size",
      "stablegate.http.max-page-size",
      "stablegate.http.default-expires-in-minutes",
      // security headers of every response
      "stablegate.http.content-security-policy",
      "stablegate.http.referrer-policy",
      "stablegate.http.hsts",
      // the dispatchers' kind; their thread counts have overrides
      "stablegate-blocking-dispatcher.type",
      "stablegate-blocking-dispatcher.executor",
      "stablegate-blocking-dispatcher.throughput",
      "stablegate.chain-watcher.blocking-dispatcher.type",
      "stablegate.chain-watcher.blocking-dispatcher.executor",
      "stablegate.chain-watcher.blocking-dispatcher.throughput");

  /**
   * What makes a block under {@code stablegate.chains} a chain (docs/chains.md): structure, not a
   * setting to override; docs/settings.md names each as {@code stablegate.chains.<chain>.<key>}.
   */
  private static final Set<String> CHAIN_DEFINITION = Set.of("kind", "order", "label", "token-standard",
      "mainnet-chain-id");
  private static final Pattern CHAIN_KEY = Pattern.compile("stablegate\\.chains\\.[a-z0-9_]+\\.([a-z-]+)");

  private static boolean chainDefinition(String path) {
    Matcher m = CHAIN_KEY.matcher(path);
    return m.matches() && CHAIN_DEFINITION.contains(m.group(1));
  }

  private static final Pattern OVERRIDE = Pattern.compile("\\$\\{\\?(STABLEGATE_[A-Z0-9_]+)}");

  @Test
  void everyOperatorFacingSettingHasAnEnvironmentOverride() {
    Map<String, String> settings = settings();
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> setting : settings.entrySet()) {
      boolean overridden = OVERRIDE.matcher(setting.getValue()).find();
      if (!overridden && !INTERNAL.contains(setting.getKey()) && !chainDefinition(setting.getKey())) {
        missing.add(setting.getKey());
      }
    }
    assertThat(missing).as("settings with neither a ${?STABLEGATE_…} override nor a place in INTERNAL").isEmpty();
  }

  @Test
  void theInternalListNamesRealSettingsWithoutOverrides() {
    Map<String, String> settings = settings();
    for (String path : INTERNAL) {
      assertThat(settings).as(path).containsKey(path);
      assertThat(OVERRIDE.matcher(settings.get(path)).find()).as(path + " has an override: not internal").isFalse();
    }
  }

  @Test
  void docsSettingsListsEveryVariableAndEveryInternalSetting() throws IOException {
    String doc = Files.readString(ROOT.resolve("docs/settings.md"));
    List<String> undocumented = new ArrayList<>();
    for (String value : settings().values()) {
      Matcher m = OVERRIDE.matcher(value);
      while (m.find()) {
        if (!doc.contains("`" + m.group(1) + "`")) {
          undocumented.add(m.group(1));
        }
      }
    }
    for (String path : INTERNAL) {
      if (!doc.contains("`" + path + "`")) {
        undocumented.add(path);
      }
    }
    for (String key : CHAIN_DEFINITION) {
      if (!doc.contains("`stablegate.chains.<chain>." + key + "`")) {
        undocumented.add("stablegate.chains.<chain>." + key);
      }
    }
    assertThat(undocumented).as("missing from docs/settings.md").isEmpty();
  }

  /** Path of every stablegate setting in the files, unresolved, to its value as written (with overrides). */
  private static Map<String, String> settings() {
    Map<String, String> settings = new TreeMap<>();
    for (Path file : FILES) {
      collect(ConfigFactory.parseFile(ROOT.resolve(file).toFile()).root(), "", settings);
    }
    settings.keySet().removeIf(path -> !path.startsWith("stablegate"));
    return settings;
  }

  private static void collect(ConfigObject object, String prefix, Map<String, String> into) {
    for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
      String path = (prefix.isEmpty() ? "" : prefix + ".") + ConfigUtil.joinPath(entry.getKey());
      if (entry.getValue() instanceof ConfigObject child) {
        collect(child, path, into);
      } else {
        into.put(path, entry.getValue().render(ConfigRenderOptions.concise()));
      }
    }
  }
}
