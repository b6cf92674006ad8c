package io.stablegate.persistence.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Queries on the {@code invoices} read table. Blocking JDBC: call it from a blocking dispatcher. */
public final class InvoiceReadRepository {
  private final DataSource dataSource;

  public InvoiceReadRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** PENDING invoices whose expiry is at or before {@code now}, oldest first. */
  public List<UUID> dueForExpiry(Instant now, int limit) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT id FROM invoices WHERE status = 'PENDING' AND expires_at <= ? ORDER BY expires_at LIMIT ?")) {
      ps.setTimestamp(1, Timestamp.from(now));
      ps.setInt(2, limit);
      List<UUID> due = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          due.add(rs.getObject(1, UUID.class));
        }
      }
      return due;
    }
  }
}
