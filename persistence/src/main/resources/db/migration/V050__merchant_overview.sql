-- The merchant overview (GET /api/v1/stats, docs/api.md) aggregates the invoices read table in SQL.
-- What it sums lives in the JSON document; these columns carry it beside the row, written by the
-- projection with the document (InvoiceProjectionHandler), so the aggregate reads the index alone.
ALTER TABLE invoices
  ADD COLUMN token        VARCHAR(16),
  ADD COLUMN amount_paid  NUMERIC(38, 18);

-- existing rows: the token of the terms (USDT before tokens were a term), the sum of final payments
UPDATE invoices SET
  token = COALESCE(document->>'token', 'USDT'),
  amount_paid = COALESCE((SELECT sum((p->>'amount')::numeric) FROM jsonb_array_elements(document->'payments') p
                          WHERE p->>'status' = 'FINAL'), 0);

ALTER TABLE invoices
  ALTER COLUMN token SET DEFAULT 'USDT',
  ALTER COLUMN token SET NOT NULL,
  ALTER COLUMN amount_paid SET DEFAULT 0,
  ALTER COLUMN amount_paid SET NOT NULL;

-- one merchant's live (or test) invoices created in a range, with everything the aggregate groups and sums
-- (an index-only scan)
CREATE INDEX invoices_stats ON invoices (merchant_id, livemode, created_at) INCLUDE (status, chain, token, amount_paid);

-- webhook deliveries that gave up: few, found without reading the delivered ones
CREATE INDEX webhook_deliveries_failed ON webhook_deliveries (created_at) WHERE status = 'FAILED';

-- The shop's name as payers see it on the checkout (PUT /api/v1/profile); null until set.
ALTER TABLE merchants ADD COLUMN display_name TEXT;
