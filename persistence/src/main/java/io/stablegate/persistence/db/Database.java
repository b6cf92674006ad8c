package io.stablegate.persistence.db;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's PostgreSQL: external or embedded, migrated by Flyway, with a connection pool for the
 * read side (projections, repositories). The journal has its own pool inside pekko-persistence-jdbc,
 * configured from {@link #pekkoConfig()}.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  private static final String EMBEDDED_DATABASE = "stablegate";

  private final DbCoordinates coordinates;
  private final Optional<EmbeddedPostgresServer> embedded;
  private final HikariDataSource dataSource;

  private Database(DbCoordinates coordinates, Optional<EmbeddedPostgresServer> embedded, int poolSize) {
    this.coordinates = coordinates;
    this.embedded = embedded;
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(coordinates.url());
    pool.setUsername(coordinates.user());
    pool.setPassword(coordinates.password());
    pool.setMaximumPoolSize(poolSize);
    pool.setPoolName("stablegate-read-side");
    // Fail fast while the database is away, so callers answer 503 instead of hanging.
    pool.setConnectionTimeout(5_000);
    pool.setInitializationFailTimeout(-1);
    this.dataSource = new HikariDataSource(pool);
  }

  /** Starts (or connects to) the database named by {@code stablegate.db} and migrates it. */
  public static Database start(Config config) {
    DatabaseSettings settings = DatabaseSettings.fromConfig(config);
    if (settings.external().isPresent()) {
      log.info("Using external PostgreSQL {}", settings.external().get());
      return open(settings.external().get(), Optional.empty(), settings.poolSize());
    }
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(settings.dataDir(), settings.embeddedPort(), true);
    return open(server.database(EMBEDDED_DATABASE), Optional.of(server), settings.poolSize());
  }

  /** Connects to an existing database and migrates it. */
  public static Database connect(DbCoordinates coordinates, int poolSize) {
    return open(coordinates, Optional.empty(), poolSize);
  }

  private static Database open(DbCoordinates coordinates, Optional<EmbeddedPostgresServer> embedded, int poolSize) {
    migrate(coordinates);
    return new Database(coordinates, embedded, poolSize);
  }

  /** Applies every Flyway migration found under {@code classpath:db/migration}. */
  public static void migrate(DbCoordinates coordinates) {
    Flyway.configure()
        .dataSource(coordinates.url(), coordinates.user(), coordinates.password())
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }

  public DbCoordinates coordinates() {
    return coordinates;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Whether the database answers now; for readiness. */
  public boolean isReachable() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * The Pekko settings that point the journal, snapshot store and read journal at this database:
   * {@code persistence.conf} with the coordinates filled in. Put it in front of the node's config.
   */
  public Config pekkoConfig() {
    String db = "pekko-persistence-jdbc.shared-databases.slick.db.";
    return ConfigFactory.empty()
        .withValue(db + "url", ConfigValueFactory.fromAnyRef(coordinates.url()))
        .withValue(db + "user", ConfigValueFactory.fromAnyRef(coordinates.user()))
        .withValue(db + "password", ConfigValueFactory.fromAnyRef(coordinates.password()))
        .withFallback(ConfigFactory.parseResources("persistence.conf"));
  }

  @Override
  public void close() {
    dataSource.close();
    embedded.ifPresent(EmbeddedPostgresServer::close);
  }
}
