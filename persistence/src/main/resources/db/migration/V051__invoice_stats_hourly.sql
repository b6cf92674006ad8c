-- The merchant overview's rollup (GET /api/v1/stats, docs/api.md#stats): per merchant, livemode, UTC hour of
-- creation, status, chain and token, how many invoices and their paid amount. The invoice projection keeps it
-- in the transaction that writes the invoices row (InvoiceProjectionHandler, StatsRollup): an inserted row adds
-- itself to its group, a row whose status or amount_paid changes moves its contribution from the old group to
-- the new one, so that it always equals the aggregate of the invoices table. A stats query then reads one row
-- per hour and group, however many invoices the range holds. Groups every invoice has left (the PENDING one,
-- after they were paid or expired) stay with 0 and are skipped by the query.
CREATE TABLE invoice_stats_hourly (
  merchant_id  UUID        NOT NULL,
  livemode     BOOLEAN     NOT NULL,
  hour         TIMESTAMPTZ NOT NULL,
  status       VARCHAR(16) NOT NULL,
  chain        VARCHAR(16) NOT NULL,
  token        VARCHAR(16) NOT NULL,
  invoices     BIGINT      NOT NULL,
  amount_paid  NUMERIC     NOT NULL,
  PRIMARY KEY (merchant_id, livemode, hour, status, chain, token)
);

-- existing invoices (hours in UTC whatever the session's time zone: date_bin works on absolute time)
INSERT INTO invoice_stats_hourly (merchant_id, livemode, hour, status, chain, token, invoices, amount_paid)
SELECT merchant_id, livemode, date_bin(interval '1 hour', created_at, TIMESTAMPTZ '1970-01-01 00:00:00+00'),
       status, chain, token, count(*), sum(amount_paid)
FROM invoices
GROUP BY 1, 2, 3, 4, 5, 6;

-- The stats' webhook deliveries that gave up, read from the index alone: which invoice or ledger each one was
-- for is beside its date (V050's index had only the date, so each failed delivery cost a visit to the table).
DROP INDEX webhook_deliveries_failed;
CREATE INDEX webhook_deliveries_failed ON webhook_deliveries (created_at) INCLUDE (invoice_id, ledger_id)
  WHERE status = 'FAILED';
