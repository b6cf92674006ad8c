package io.stablegate.persistence.webhook;

import io.stablegate.engine.invoice.InvoiceEvent;
import io.stablegate.engine.invoice.InvoiceEvent.NotifiesMerchant;
import io.stablegate.engine.invoice.InvoiceEvent.WebhookAttempted;
import io.stablegate.engine.invoice.InvoiceEvent.WebhookEndpointsResolved;
import io.stablegate.engine.invoice.WebhookDelivery;
import io.stablegate.engine.invoice.InvoiceEvent.WebhookRedeliveryRequested;
import io.stablegate.persistence.projection.DataSourceJdbcSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.sql.Types;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Keeps {@code webhook_deliveries} and {@code webhook_attempts} equal to the invoices' webhook
 * state. Exactly-once (the rows and the offset share a transaction); the statements are idempotent
 * as well, so a replay from an older offset changes nothing.
 */
final class WebhookDeliveryProjectionHandler
    extends JdbcHandler<EventEnvelope<InvoiceEvent>, DataSourceJdbcSession> {

  @Override
  public void process(DataSourceJdbcSession session, EventEnvelope<InvoiceEvent> envelope) throws Exception {
    session.withConnection(connection -> {
      apply(connection, envelope.event());
      return null;
    });
  }

  private static void apply(Connection connection, InvoiceEvent event) throws Exception {
    switch (event) {
      case NotifiesMerchant e -> {
        try (PreparedStatement ps = connection.prepareStatement("""
            INSERT INTO webhook_deliveries (event_id, invoice_id, type, status, attempts, next_attempt_at,
                                            created_at, updated_at)
            VALUES (?, ?, ?, 'PENDING', 0, ?, ?, ?)
            ON CONFLICT (event_id, endpoint_id) DO NOTHING""")) {
          ps.setObject(1, e.webhookEventId());
          ps.setObject(2, e.invoiceId());
          ps.setString(3, e.webhookType().wireName());
          ps.setTimestamp(4, Timestamp.from(e.at()));
          ps.setTimestamp(5, Timestamp.from(e.at()));
          ps.setTimestamp(6, Timestamp.from(e.at()));
          ps.executeUpdate();
        }
      }
      case WebhookAttempted e -> {
        try (PreparedStatement ps = connection.prepareStatement("""
            INSERT INTO webhook_attempts (event_id, attempt, invoice_id, type, attempted_at, status_code, error,
                                          duration_ms, outcome, endpoint_id)
            SELECT ?, ?, ?, d.type, ?, ?, ?, ?, ?, d.endpoint_id FROM webhook_deliveries d
            WHERE d.event_id = ? AND d.endpoint_id = ?
            ON CONFLICT (event_id, endpoint_id, attempt) DO NOTHING""")) {
          ps.setObject(1, e.webhookEventId());
          ps.setInt(2, e.attempt());
          ps.setObject(3, e.invoiceId());
          ps.setTimestamp(4, Timestamp.from(e.attemptedAt()));
          if (e.statusCode() == null) {
            ps.setNull(5, Types.INTEGER);
          } else {
            ps.setInt(5, e.statusCode());
          }
          ps.setString(6, e.error());
          ps.setLong(7, e.durationMs());
          ps.setString(8, e.outcome().name());
          ps.setObject(9, e.webhookEventId());
          ps.setObject(10, e.endpointId());
          ps.executeUpdate();
        }
        try (PreparedStatement ps = connection.prepareStatement("""
            UPDATE webhook_deliveries SET status = ?, attempts = GREATEST(attempts, ?), next_attempt_at = ?,
                                          updated_at = ?
            WHERE event_id = ? AND endpoint_id = ?""")) {
          ps.setString(1, e.outcome().name());
          ps.setInt(2, e.attempt());
          ps.setTimestamp(3, e.nextAttemptAt() == null ? null : Timestamp.from(e.nextAttemptAt()));
          ps.setTimestamp(4, Timestamp.from(e.at()));
          ps.setObject(5, e.webhookEventId());
          ps.setObject(6, e.endpointId());
          ps.executeUpdate();
        }
      }
      case WebhookEndpointsResolved e -> {
        try (PreparedStatement ps = connection.prepareStatement("""
            INSERT INTO webhook_deliveries (event_id, endpoint_id, invoice_id, type, status, attempts, next_attempt_at,
                                            created_at, updated_at)
            SELECT d.event_id, ?, d.invoice_id, d.type, 'PENDING', 0, ?, d.created_at, ?
            FROM webhook_deliveries d WHERE d.event_id = ? AND d.endpoint_id = ?
            ON CONFLICT (event_id, endpoint_id) DO NOTHING""")) {
          for (java.util.UUID endpoint : e.endpointIds()) {
            ps.setObject(1, endpoint);
            ps.setTimestamp(2, Timestamp.from(e.at()));
            ps.setTimestamp(3, Timestamp.from(e.at()));
            ps.setObject(4, e.webhookEventId());
            ps.setObject(5, WebhookDelivery.DEFAULT_ENDPOINT);
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      case WebhookRedeliveryRequested e -> {
        try (PreparedStatement ps = connection.prepareStatement("""
            UPDATE webhook_deliveries SET status = 'PENDING', next_attempt_at = ?, updated_at = ?
            WHERE event_id = ?""")) {
          ps.setTimestamp(1, Timestamp.from(e.at()));
          ps.setTimestamp(2, Timestamp.from(e.at()));
          ps.setObject(3, e.webhookEventId());
          ps.executeUpdate();
        }
      }
      default -> {
        // other invoice events do not concern deliveries
      }
    }
  }
}
