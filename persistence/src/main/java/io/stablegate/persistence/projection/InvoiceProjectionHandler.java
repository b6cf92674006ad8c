package io.stablegate.persistence.projection;

import io.micrometer.core.instrument.Metrics;
import io.stablegate.engine.invoice.Invoice;
import io.stablegate.engine.invoice.InvoiceEvent;
import io.stablegate.engine.invoice.InvoiceState;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.UUID;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Keeps the {@code invoices} table equal to the entities: each event is applied, with the entity's
 * own event handler, to the stored document. Runs in the projection's transaction, together with
 * the offset commit, so every event is applied exactly once. In the same transaction it keeps the stats
 * rollup ({@link StatsRollup}) equal to the table's aggregate: from what each statement actually stored
 * (a redelivered creation, which inserts nothing, adds nothing), an inserted row is added to its group
 * and a row whose status or paid amount changed is moved from its old group to its new one.
 */
final class InvoiceProjectionHandler extends JdbcHandler<EventEnvelope<InvoiceEvent>, DataSourceJdbcSession> {

  @Override
  public void process(DataSourceJdbcSession session, EventEnvelope<InvoiceEvent> envelope) throws Exception {
    session.withConnection(connection -> {
      apply(connection, envelope.event(), session.statsRollup());
      return null;
    });
    // stablegate_invoice_events_total{event="InvoiceCreated"|"InvoicePaid"|"InvoiceExpired"|…}
    Metrics.counter("stablegate.invoice.events", "event", envelope.event().getClass().getSimpleName()).increment();
  }

  private static void apply(Connection connection, InvoiceEvent event, StatsRollup rollup) throws Exception {
    if (event instanceof InvoiceEvent.InvoiceCreated) {
      Invoice invoice = (Invoice) new InvoiceState.Empty().apply(event);
      try (PreparedStatement ps = connection.prepareStatement("""
          INSERT INTO invoices (id, merchant_id, chain, address, status, order_id, created_at, expires_at,
                                updated_at, document, livemode, token, amount_paid)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)
          ON CONFLICT (id) DO NOTHING
          RETURNING merchant_id, livemode, created_at, status, chain, token, amount_paid""")) {
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
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) { // inserted (not there already)
            rollup.added(group(rs, rs.getString(4)), rs.getBigDecimal(7));
          }
        }
      }
      return;
    }
    Invoice current;
    StatsRollup.Key before;
    BigDecimal paidBefore;
    try (PreparedStatement ps = connection.prepareStatement("""
        SELECT merchant_id, livemode, created_at, status, chain, token, amount_paid, document::text
        FROM invoices WHERE id = ? FOR UPDATE""")) {
      ps.setObject(1, event.invoiceId());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("event for invoice " + event.invoiceId() + " before its creation");
        }
        before = group(rs, rs.getString(4));
        paidBefore = rs.getBigDecimal(7);
        current = ReadModelJson.readInvoice(rs.getString(8));
      }
    }
    Invoice next = (Invoice) current.apply(event);
    try (PreparedStatement ps = connection.prepareStatement("""
        UPDATE invoices SET status = ?, updated_at = ?, document = ?::jsonb, amount_paid = ? WHERE id = ?
        RETURNING status, amount_paid""")) {
      ps.setString(1, next.status().name());
      ps.setTimestamp(2, Timestamp.from(next.updatedAt()));
      ps.setString(3, ReadModelJson.write(next));
      ps.setBigDecimal(4, next.amountPaid());
      ps.setObject(5, next.id());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next(); // the row is locked since the SELECT: it is there
        rollup.moved(before, paidBefore, withStatus(before, rs.getString(1)), rs.getBigDecimal(2));
      }
    }
  }

  /** The rollup group of the row read by {@code rs} (merchant_id, livemode, created_at, -, chain, token, …). */
  private static StatsRollup.Key group(ResultSet rs, String status) throws SQLException {
    return StatsRollup.Key.of(rs.getObject(1, UUID.class), rs.getBoolean(2), rs.getTimestamp(3).toInstant(), status,
        rs.getString(5), rs.getString(6));
  }

  private static StatsRollup.Key withStatus(StatsRollup.Key key, String status) {
    return new StatsRollup.Key(key.merchantId(), key.livemode(), key.hour(), status, key.chain(), key.token());
  }
}
