package io.stablegate.http.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stablegate.persistence.db.DbCoordinates;
import io.stablegate.persistence.testing.TestDatabase;
import io.stablegate.persistence.testing.TestNode;
import javax.sql.DataSource;

/**
 * A whole node ({@link TestNode}, started through the composition root) on a fresh embedded-PostgreSQL
 * database, with the merchant API bound on a free loopback port, and a client for it.
 */
public final class ApiTestServer implements AutoCloseable {
  private final TestNode node;
  private final DbCoordinates database;

  public ApiTestServer(Config overrides) {
    this(TestDatabase.fresh(), overrides);
  }

  /** A node on an existing database: with another server on the same one, two nodes of one deployment. */
  public ApiTestServer(DbCoordinates database, Config overrides) {
    this.database = database;
    this.node = new TestNode(database, overrides);
  }

  public ApiTestServer() {
    this(ConfigFactory.empty());
  }

  public String baseUrl() {
    return node.baseUrl();
  }

  public int port() {
    return node.httpPort();
  }

  public TestNode node() {
    return node;
  }

  public DbCoordinates database() {
    return database;
  }

  public DataSource dataSource() {
    return node.database().dataSource();
  }

  public ApiClient client() {
    return new ApiClient(baseUrl());
  }

  @Override
  public void close() {
    node.close();
  }
}
