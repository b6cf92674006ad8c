package io.stablegate.persistence.listing;

import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceStatus;
import io.stablegate.persistence.projection.ReadModelJson;
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

  private final DataSource dataSource;

  public InvoiceListRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The merchant's live invoices, or its test invoices when not {@code livemode}, newest first. */
  public Page<Invoice, Cursor> list(UUID merchantId, boolean livemode, Optional<InvoiceStatus> status,
      Optional<String> orderId, int limit, Optional<Cursor> after) throws SQLException {
    StringBuilder sql = new StringBuilder(
        "SELECT document::text, created_at, id FROM invoices WHERE merchant_id = ? AND livemode = ?");
    List<Object> parameters = new ArrayList<>();
    parameters.add(merchantId);
    parameters.add(livemode);
    status.ifPresent(s -> {
      sql.append(" AND status = ?");
      parameters.add(s.name());
    });
    orderId.ifPresent(o -> {
      sql.append(" AND order_id = ?");
      parameters.add(o);
    });
    return Keyset.page(dataSource, sql.toString(), parameters, List.of("created_at", "id"),
        after.map(c -> List.of(Timestamp.from(c.createdAt()), c.id())), limit,
        rs -> ReadModelJson.readInvoice(rs.getString(1)),
        rs -> new Cursor(rs.getTimestamp(2).toInstant(), rs.getObject(3, UUID.class)));
  }
}
