package io.stablegate.app.audit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.stablegate.persistence.db.Database;
import io.stablegate.persistence.db.DatabaseSettings;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.db.EmbeddedPostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database an audit reads, and a cluster-less ActorSystem whose only use is the JDBC read
 * journal (and the serializers that decode events). The audit never migrates or writes to it;
 * {@link CreditedTransfers} only uses a temporary table of its own session. ({@code stablegate
 * projections} opens the node's database the same way; its replay writes the read tables.)
 */
public final class AuditDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuditDatabase.class);
  private static final String EMBEDDED_DATABASE = "stablegate";

  private final DbCoordinates coordinates;
  private final Optional<EmbeddedPostgresServer> embedded;
  private final ActorSystem<Void> system;
  private JdbcReadJournal readJournal;

  private AuditDatabase(DbCoordinates coordinates, Optional<EmbeddedPostgresServer> embedded, Config config) {
    this.coordinates = coordinates;
    this.embedded = embedded;
    Config audit = config.getConfig("stablegate.audit");
    Config systemConfig = ConfigFactory.parseString("""
            pekko.actor.provider = local
            pekko.coordinated-shutdown.exit-jvm = off
            pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
            """)
        .withValue("jdbc-read-journal.max-buffer-size",
            ConfigValueFactory.fromAnyRef(audit.getInt("read-batch-size")))
        .withFallback(Database.pekkoConfig(coordinates))
        .withFallback(config)
        .resolve();
    this.system = ActorSystem.create(Behaviors.empty(), "stablegate-audit", systemConfig);
  }

  /**
   * {@code url} given: that database ({@code user}/{@code password} default to STABLEGATE_DB_USER /
   * _PASSWORD). Otherwise the node's own: STABLEGATE_DB_URL, or the embedded one under
   * STABLEGATE_DATA_DIR (reused if a node is running on it, started otherwise).
   */
  public static AuditDatabase open(Config config, Optional<String> url, Optional<String> user, Optional<String> password) {
    DatabaseSettings settings = DatabaseSettings.fromConfig(config);
    String defaultUser = config.getString("stablegate.db.user");
    String defaultPassword = config.getString("stablegate.db.password");
    if (url.isPresent()) {
      return new AuditDatabase(new DbCoordinates(url.get(), user.orElse(defaultUser), password.orElse(defaultPassword)),
          Optional.empty(), config);
    }
    if (settings.external().isPresent()) {
      return new AuditDatabase(settings.external().get(), Optional.empty(), config);
    }
    Path pgData = settings.dataDir().toAbsolutePath().resolve("postgres");
    if (!Files.isDirectory(pgData)) {
      throw new IllegalArgumentException("no embedded database under " + settings.dataDir().toAbsolutePath()
          + " (set STABLEGATE_DATA_DIR, or pass --db with a JDBC URL)");
    }
    Optional<Integer> runningPort = runningServerPort(pgData);
    if (runningPort.isPresent()) {
      log.info("A node's embedded PostgreSQL is running on port {}; reading it there", runningPort.get());
      return new AuditDatabase(new DbCoordinates(
          "jdbc:postgresql://127.0.0.1:" + runningPort.get() + "/" + EMBEDDED_DATABASE, "postgres", ""),
          Optional.empty(), config);
    }
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(settings.dataDir(), 0, true);
    return new AuditDatabase(server.database(EMBEDDED_DATABASE), Optional.of(server), config);
  }

  /** The port in postmaster.pid (4th line) if the process it names is alive. */
  private static Optional<Integer> runningServerPort(Path pgData) {
    Path pidFile = pgData.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      List<String> lines = Files.readAllLines(pidFile);
      long pid = Long.parseLong(lines.get(0).trim());
      boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      return alive && lines.size() > 3 ? Optional.of(Integer.parseInt(lines.get(3).trim())) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  public DbCoordinates coordinates() {
    return coordinates;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** The read journal (and its connection pool), made on first use: only {@code verify --via-read-journal} uses it. */
  public synchronized JdbcReadJournal readJournal() {
    if (readJournal == null) {
      readJournal = PersistenceQuery.get(system.classicSystem())
          .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    }
    return readJournal;
  }

  /** A plain connection of its own (settings changes, export, the credited-transfers table). */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(coordinates.url(), coordinates.user(), coordinates.password());
  }

  /**
   * A connection for a long read through a cursor: its statements are prepared on the server at
   * once ({@code prepareThreshold=-1}), so that rows arrive in PostgreSQL's binary format (a {@code
   * bytea} payload as its bytes, not as hex text to decode). A {@code prepareThreshold} in the URL wins.
   */
  public Connection connectForCursor() throws SQLException {
    Properties properties = new Properties();
    if (coordinates.user() != null) {
      properties.setProperty("user", coordinates.user());
    }
    if (coordinates.password() != null) {
      properties.setProperty("password", coordinates.password());
    }
    properties.setProperty("prepareThreshold", "-1");
    return DriverManager.getConnection(coordinates.url(), properties);
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("The audit's ActorSystem did not stop cleanly: {}", e.toString());
    }
    embedded.ifPresent(EmbeddedPostgresServer::close);
  }
}
