package io.stablegate.persistence.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.stablegate.engine.webhook.InMemoryWebhookEndpoints;
import io.stablegate.engine.webhook.WebhookReceiver;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.testing.TestDatabase;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * At-least-once across a crash: a node (its own JVM) fails to deliver an event once and is killed
 * with SIGKILL while the delivery waits for its retry; a new node on the same database, asked by no
 * one about that invoice, delivers the event at its scheduled slot, with the same id.
 */
class WebhookDeliveryAfterKillTest {

  private static final String SCHEDULE = "8s,8s";

  @Test
  void aDeliveryWaitingToRetryWhenItsNodeIsKilledCompletesAfterARestart() throws Exception {
    DbCoordinates db = TestDatabase.fresh();
    String secret = InMemoryWebhookEndpoints.newSecret();
    UUID merchantId = UUID.randomUUID();
    UUID invoiceId = UUID.randomUUID();
    try (WebhookReceiver receiver = new WebhookReceiver(secret,
        (n, exchange) -> WebhookReceiver.status(n == 1 ? 503 : 200).respond(n, exchange))) {

      Process first = startNode(db, merchantId, receiver.url(), secret, invoiceId.toString(), "first");
      Instant retryAt;
      try {
        // a whole node in a cold JVM (HTTP and management too) on a busy shared machine: be patient
        Awaitility.await().atMost(Duration.ofSeconds(180)).until(() -> receiver.received().size() == 1);
        // the failed attempt is persisted (the read table shows it) and the retry is 8 s away: kill now
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> attemptsRecorded(db) == 1);
        retryAt = nextAttemptAt(db);
        assertThat(retryAt).isAfter(Instant.now());
      } finally {
        first.destroyForcibly().waitFor();
      }
      assertThat(receiver.received()).hasSize(1);

      Process second = startNode(db, merchantId, receiver.url(), secret, null, "second");
      try {
        Awaitility.await().atMost(Duration.ofSeconds(180)).until(() -> receiver.received().size() >= 2);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "DELIVERED".equals(status(db)));
      } finally {
        second.destroyForcibly().waitFor();
      }

      List<WebhookReceiver.Received> got = receiver.received();
      assertThat(got).hasSize(2);
      assertThat(got.get(1).id()).isEqualTo(got.get(0).id());
      assertThat(got).allMatch(WebhookReceiver.Received::verified);
      assertThat(got.get(1).bodyText()).isEqualTo(got.get(0).bodyText());
      // it kept its place in the schedule: not before the slot persisted before the crash
      assertThat(got.get(1).receivedAtMillis()).isGreaterThanOrEqualTo(retryAt.toEpochMilli());
      assertThat(attemptsRecorded(db)).isEqualTo(2);
    }
  }

  private static Process startNode(DbCoordinates db, UUID merchantId, String url, String secret, String invoiceId,
      String name) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx384m"));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--sun-misc-unsafe-memory-access") || arg.startsWith("-Dsun.misc.unsafe.memory.access")
          || arg.startsWith("--enable-native-access")
          || arg.startsWith("-Djava.io.tmpdir")) {
        command.add(arg);
      }
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), WebhookNodeMain.class.getName(),
        db.url(), db.user(), db.password(), merchantId.toString(), url, secret, SCHEDULE));
    if (invoiceId != null) {
      command.add(invoiceId);
    }
    File log = Path.of("target", "webhook-kill-test-" + name + ".log").toFile();
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
  }

  private static int attemptsRecorded(DbCoordinates db) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM webhook_attempts")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static Instant nextAttemptAt(DbCoordinates db) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT next_attempt_at FROM webhook_deliveries")) {
      rs.next();
      Timestamp t = rs.getTimestamp(1);
      return t.toInstant();
    }
  }

  private static String status(DbCoordinates db) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT status FROM webhook_deliveries")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
