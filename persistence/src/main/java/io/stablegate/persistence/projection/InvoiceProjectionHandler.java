package io.stablegate.persistence.projection;

import io.micrometer.core.instrument.Metrics;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceEvent;
import io.stablegate.engine.invoice.InvoiceState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Keeps the {@code invoices} table equal to the entities: each event is applied, with the entity's
 * own event handler, to the stored document. Runs in the projection's transaction, together with
 * the offset commit, so every event is applied exactly once.
 */
final class InvoiceProjectionHandler extends JdbcHandler<EventEnvelope<InvoiceEvent>, DataSourceJdbcSession> {

  @Override
  public void process(DataSourceJdbcSession session, EventEnvelope<InvoiceEvent> envelope) throws Exception {
    session.withConnection(connection -> {
      apply(connection, envelope.event());
      return null;
    });
    // stablegate_invoice_events_total{event="InvoiceCreated"|"InvoicePaid"|"InvoiceExpired"|…}
    Metrics.counter("stablegate.invoice.events", "event", envelope.event().getClass().getSimpleName()).increment();
  }

  private static void apply(Connection connection, InvoiceEvent event) throws Exception {
    if (event instanceof InvoiceEvent.InvoiceCreated) {
      Invoice invoice = (Invoice) new InvoiceState.Empty().apply(event);
      try (PreparedStatement ps = connection.prepareStatement("""
          INSERT INTO invoices (id, merchant_id, chain, address, status, order_id, created_at, expires_at,
                                updated_at, document, livemode, token, amount_paid)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)
          ON CONFLICT (id) DO NOTHING""")) {
        ps.setObject(1, invoice.id());
        ps.setObject(2, invoice.merchantId());
        ps.setString(3, invoice.chain().name());
        ps.setString(4, invoice.address());
        ps.setString(5, invoice.status().name());
        ps.setString(6, invoice.orderId());
        ps.setTimestamp(7, Timestamp.from(invoice.createdAt()));
        ps.setTimestamp(8, Timestamp.from(invoice.expiresAt()));
        ps.setTimestamp(9, Timestamp.from(invoice.updatedAt()));
        ps.setString(10, ReadModelJson.write(invoice));
        ps.setBoolean(11, invoice.livemode());
        ps.setString(12, invoice.terms().token().name());
        ps.setBigDecimal(13, invoice.amountPaid());
        ps.executeUpdate();
      }
      return;
    }
    Invoice current;
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT document::text FROM invoices WHERE id = ? FOR UPDATE")) {
      ps.setObject(1, event.invoiceId());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("event for invoice " + event.invoiceId() + " before its creation");
        }
        current = ReadModelJson.readInvoice(rs.getString(1));
      }
    }
    Invoice next = (Invoice) current.apply(event);
    try (PreparedStatement ps = connection.prepareStatement(
        "UPDATE invoices SET status = ?, updated_at = ?, document = ?::jsonb, amount_paid = ? WHERE id = ?")) {
      ps.setString(1, next.status().name());
      ps.setTimestamp(2, Timestamp.from(next.updatedAt()));
      ps.setString(3, ReadModelJson.write(next));
      ps.setBigDecimal(4, next.amountPaid());
      ps.setObject(5, next.id());
      ps.executeUpdate();
    }
  }
}
