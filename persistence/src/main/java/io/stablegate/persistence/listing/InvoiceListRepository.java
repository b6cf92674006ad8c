package io.stablegate.persistence.listing;

import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.persistence.projection.ReadModelJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A merchant's invoices from the {@code invoices} read table, newest first, a page at a time (keyset
 * pagination on {@code (created_at, id)}), without waking entities. Blocking JDBC.
 */
public final class InvoiceListRepository {

  /** Where the previous page ended. */
  public record Cursor(Instant createdAt, UUID id) {}

  public record Page(List<Invoice> items, Optional<Cursor> next) {}

  private final DataSource dataSource;

  public InvoiceListRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public Page list(UUID merchantId, Optional<InvoiceStatus> status, Optional<String> orderId, int limit,
      Optional<Cursor> after) throws SQLException {
    StringBuilder sql = new StringBuilder(
        "SELECT document::text, created_at, id FROM invoices WHERE merchant_id = ?");
    List<Object> parameters = new ArrayList<>();
    parameters.add(merchantId);
    status.ifPresent(s -> {
      sql.append(" AND status = ?");
      parameters.add(s.name());
    });
    orderId.ifPresent(o -> {
      sql.append(" AND order_id = ?");
      parameters.add(o);
    });
    after.ifPresent(c -> {
      sql.append(" AND (created_at, id) < (?, ?)");
      parameters.add(Timestamp.from(c.createdAt()));
      parameters.add(c.id());
    });
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
    parameters.add(limit + 1);
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < parameters.size(); i++) {
        ps.setObject(i + 1, parameters.get(i));
      }
      List<Invoice> items = new ArrayList<>();
      Cursor last = null;
      boolean more = false;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (items.size() == limit) {
            more = true;
            break;
          }
          items.add(ReadModelJson.readInvoice(rs.getString(1)));
          last = new Cursor(rs.getTimestamp(2).toInstant(), rs.getObject(3, UUID.class));
        }
      }
      return new Page(items, more ? Optional.of(last) : Optional.empty());
    }
  }
}
