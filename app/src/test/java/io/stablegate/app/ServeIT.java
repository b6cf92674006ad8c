package io.stablegate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.app.testing.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./stablegate serve} starts a node on a fresh data directory (embedded PostgreSQL), answers
 * health (with its exchange-rate source, configured by environment) and metrics, stops on SIGTERM,
 * and starts again on the same data.
 */
class ServeIT {

  @TempDir Path dataDir;

  @Test
  void serveStartsAnswersHealthAndRestartsOnItsData() throws Exception {
    Path log = Path.of("target", "it-logs", "serve.log");
    Map<String, String> env = Map.of(
        "STABLEGATE_DATA_DIR", dataDir.toString(),
        "STABLEGATE_TRON_ENABLED", "false",
        "STABLEGATE_ETHEREUM_ENABLED", "false",
        "STABLEGATE_BSC_ENABLED", "false",
        "STABLEGATE_RATES_SOURCE", "fixed",
        "STABLEGATE_RATES_FIXED", "EUR=0.92,CNY=7.1");
    try (NodeProcess node = NodeProcess.start(log, env).awaitHealthy(Duration.ofSeconds(120))) {
      var health = node.get("/api/v1/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"status\":\"ok\"")
          .contains("\"rates\":{\"source\":\"fixed\"").contains("\"currencies\":{\"USDT\":2,\"USDC\":2}");
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> node.management("/ready").statusCode() == 200);
      assertThat(node.management("/alive").statusCode()).isEqualTo(200);
      var metrics = node.management("/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("stablegate_cluster_members 1.0")
          .contains("http_server_requests_seconds_count{method=\"GET\",route=\"/api/v1/health\",status=\"200\"}")
          .contains("jvm_memory_used_bytes")
          .contains("stablegate_rates_age_seconds{source=\"fixed\"}")
          .contains("stablegate_rates_refresh_failures_total{source=\"fixed\"} 0.0");
      assertThat(node.stop(Duration.ofSeconds(60))).isIn(0, 143);
    }
    assertThat(Files.exists(dataDir.resolve("postgres").resolve("PG_VERSION"))).isTrue();

    try (NodeProcess again = NodeProcess.start(log, env).awaitHealthy(Duration.ofSeconds(120))) {
      assertThat(again.get("/api/v1/health").statusCode()).isEqualTo(200);
      again.stop(Duration.ofSeconds(60));
    }
  }
}
