package io.stablegate.persistence.projection;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import javax.sql.DataSource;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.projection.jdbc.JdbcSession;

/**
 * One transaction on a pooled connection: what an exactly-once projection needs so that its
 * read-table write and its offset commit succeed or fail together. It also carries the transaction's
 * changes to the stats rollup ({@link StatsRollup}), written just before the commit.
 */
public final class DataSourceJdbcSession implements JdbcSession {
  private final Connection connection;
  private final StatsRollup statsRollup = new StatsRollup();

  public DataSourceJdbcSession(DataSource dataSource) {
    try {
      this.connection = dataSource.getConnection();
      connection.setAutoCommit(false);
    } catch (SQLException e) {
      throw new IllegalStateException("no database connection for the projection", e);
    }
  }

  @Override
  public <Result> Result withConnection(Function<Connection, Result> func) throws Exception {
    return func.apply(connection);
  }

  /** This transaction's changes to the stats rollup, written by {@link #commit()}. */
  StatsRollup statsRollup() {
    return statsRollup;
  }

  /** Writes the stats rollup's changes, then commits: both or neither. */
  @Override
  public void commit() throws SQLException {
    if (!statsRollup.isEmpty()) {
      statsRollup.flush(connection);
    }
    connection.commit();
  }

  @Override
  public void rollback() throws SQLException {
    statsRollup.clear();
    connection.rollback();
  }

  /**
   * Rolls back to {@code savepoint}, taken before any of the transaction's changes to the stats
   * rollup: they are forgotten with the rows they came from.
   */
  void rollbackTo(Savepoint savepoint) throws SQLException {
    statsRollup.clear();
    connection.rollback(savepoint);
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
