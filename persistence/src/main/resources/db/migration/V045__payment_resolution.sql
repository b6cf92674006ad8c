-- Payments that do not match exactly (docs/payment-resolution.md).

-- The merchant's underpayment tolerance, in percent (0 to 10, two decimals). Each invoice's creation
-- event carries the value in force when it was created; this column is only the current setting.
ALTER TABLE merchants ADD COLUMN underpayment_tolerance_percent NUMERIC(4, 2) NOT NULL DEFAULT 0;

-- Unmatched transfers are resolved by the merchant: open, attached (to invoice_id) or dismissed (with a
-- note). The wallet ledger's journal is the truth; UnmatchedTransferProjectionHandler keeps these columns.
ALTER TABLE unmatched_transfers
  ADD COLUMN token        VARCHAR(16) NOT NULL DEFAULT 'USDT',
  ADD COLUMN state        VARCHAR(16) NOT NULL DEFAULT 'open',
  ADD COLUMN candidates   JSONB NOT NULL DEFAULT '[]',   -- [invoiceId]
  ADD COLUMN claims       JSONB NOT NULL DEFAULT '[]',   -- [{invoiceId, at}]
  ADD COLUMN invoice_id   UUID,                          -- attached to
  ADD COLUMN resolved_at  TIMESTAMPTZ,
  ADD COLUMN resolved_by  UUID,                          -- the merchant who attached or dismissed it
  ADD COLUMN resolved_via VARCHAR(16),                   -- SESSION or API_KEY
  ADD COLUMN note         TEXT,
  ADD COLUMN credited_at  TIMESTAMPTZ;                   -- the invoice recorded the attached credit

CREATE INDEX unmatched_by_state ON unmatched_transfers (chain, to_address, state, seen_at DESC);
-- attaches interrupted between the ledger's step and the invoice's, for the sweeper to complete
CREATE INDEX unmatched_awaiting_credit ON unmatched_transfers (resolved_at)
  WHERE state = 'attached' AND credited_at IS NULL;

-- A wallet ledger's webhook events (transfer.unmatched) concern no invoice: their owner is the ledger.
ALTER TABLE webhook_deliveries ALTER COLUMN invoice_id DROP NOT NULL;
ALTER TABLE webhook_deliveries ADD COLUMN ledger_id VARCHAR(128);
ALTER TABLE webhook_attempts ALTER COLUMN invoice_id DROP NOT NULL;
CREATE INDEX webhook_deliveries_by_ledger ON webhook_deliveries (ledger_id) WHERE ledger_id IS NOT NULL;

-- PARTIALLY_PAID invoices expire like PENDING ones.
CREATE INDEX invoices_due_open ON invoices (expires_at) WHERE status IN ('PENDING', 'PARTIALLY_PAID');
DROP INDEX invoices_due;
