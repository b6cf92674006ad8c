package io.stablegate.persistence.webhook;

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
 * Reads of the webhook read tables. Ownership is checked against the {@code invoices} read table:
 * a merchant sees only deliveries of its own invoices. Blocking JDBC: call it off the actor threads.
 */
public final class WebhookDeliveryRepository {

  /**
   * One attempt, as {@code GET /api/v1/webhook-deliveries} lists it; {@code endpointId} is null for the
   * merchant's default endpoint.
   */
  public record Attempt(UUID eventId, String type, int attempt, Instant at, Integer statusCode, String error,
      long durationMs, UUID endpointId) {}

  private static final UUID DEFAULT_ENDPOINT = new UUID(0, 0);

  private final DataSource dataSource;

  public WebhookDeliveryRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The invoice's attempts, oldest first; empty if the invoice is not the merchant's (or not projected yet). */
  public Optional<List<Attempt>> attempts(UUID merchantId, UUID invoiceId) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      if (!ownsInvoice(c, merchantId, invoiceId)) {
        return Optional.empty();
      }
      try (PreparedStatement ps = c.prepareStatement("""
          SELECT event_id, type, attempt, attempted_at, status_code, error, duration_ms, endpoint_id
          FROM webhook_attempts WHERE invoice_id = ? ORDER BY attempted_at, event_id, endpoint_id, attempt""")) {
        ps.setObject(1, invoiceId);
        try (ResultSet rs = ps.executeQuery()) {
          List<Attempt> attempts = new ArrayList<>();
          while (rs.next()) {
            attempts.add(new Attempt(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3),
                rs.getTimestamp(4).toInstant(), (Integer) rs.getObject(5), rs.getString(6), rs.getLong(7),
                DEFAULT_ENDPOINT.equals(rs.getObject(8, UUID.class)) ? null : rs.getObject(8, UUID.class)));
          }
          return Optional.of(attempts);
        }
      }
    }
  }

  /** The invoice of a webhook event, if the event is one of the merchant's. */
  public Optional<UUID> invoiceOfEvent(UUID merchantId, UUID eventId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("""
            SELECT d.invoice_id FROM webhook_deliveries d JOIN invoices i ON i.id = d.invoice_id
            WHERE d.event_id = ? AND i.merchant_id = ? LIMIT 1""")) {
      ps.setObject(1, eventId);
      ps.setObject(2, merchantId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
      }
    }
  }

  /** Invoices with a pending delivery due by {@code now}, most overdue first. */
  public List<UUID> invoicesWithDueDeliveries(Instant now, int limit) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("""
            SELECT invoice_id FROM webhook_deliveries
            WHERE status = 'PENDING' AND next_attempt_at <= ? AND invoice_id IS NOT NULL
            GROUP BY invoice_id ORDER BY min(next_attempt_at) LIMIT ?""")) {
      ps.setTimestamp(1, Timestamp.from(now));
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        List<UUID> due = new ArrayList<>();
        while (rs.next()) {
          due.add(rs.getObject(1, UUID.class));
        }
        return due;
      }
    }
  }

  private static boolean ownsInvoice(Connection c, UUID merchantId, UUID invoiceId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM invoices WHERE id = ? AND merchant_id = ?")) {
      ps.setObject(1, invoiceId);
      ps.setObject(2, merchantId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
