package io.stablegate.persistence.listing;

import io.stablegate.engine.invoice.Invoice;
import io.stablegate.persistence.projection.ReadModelJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A merchant's invoices created in {@code [from, to)}, oldest first, from the {@code invoices} read
 * table as a stream with constant memory: one query on a connection with autocommit off and a JDBC
 * fetch size, so PostgreSQL hands rows over a cursor a batch at a time; each row is read only when
 * the stream's consumer (the HTTP response) asks for it. The connection is held for the length of
 * the stream and closed when it ends, fails or is cancelled. Blocking reads run on Pekko Streams'
 * blocking-IO dispatcher ({@link Source#unfoldResource}).
 */
public final class InvoiceExportRepository {
  private final DataSource dataSource;

  public InvoiceExportRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * The merchant's live invoices (its test invoices when not {@code livemode}) created in
   * {@code [from, to)}, oldest first; {@code fetchSize}: rows read from the database at a time.
   */
  public Source<Invoice, NotUsed> stream(UUID merchantId, boolean livemode, Instant from, Instant to, int fetchSize) {
    return Source.unfoldResource(() -> open(merchantId, livemode, from, to, fetchSize), Rows::next, Rows::close);
  }

  private Rows open(UUID merchantId, boolean livemode, Instant from, Instant to, int fetchSize) throws SQLException {
    Connection connection = dataSource.getConnection();
    try {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      PreparedStatement statement = connection.prepareStatement("""
          SELECT document::text FROM invoices
          WHERE merchant_id = ? AND livemode = ? AND created_at >= ? AND created_at < ?
          ORDER BY created_at, id""");
      statement.setFetchSize(fetchSize);
      statement.setObject(1, merchantId);
      statement.setBoolean(2, livemode);
      statement.setTimestamp(3, Timestamp.from(from));
      statement.setTimestamp(4, Timestamp.from(to));
      return new Rows(connection, statement, statement.executeQuery());
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private record Rows(Connection connection, PreparedStatement statement, ResultSet rows) {
    Optional<Invoice> next() throws SQLException {
      return rows.next() ? Optional.of(ReadModelJson.readInvoice(rows.getString(1))) : Optional.empty();
    }

    void close() throws SQLException {
      try (connection; statement; rows) {
        // read only, nothing to keep: end the transaction before the pool takes the connection back
        // (the pool resets autocommit and read-only itself)
        connection.rollback();
      }
    }
  }
}
