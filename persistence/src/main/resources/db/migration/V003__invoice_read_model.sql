-- Read side of invoices, fed by InvoiceProjection from the invoice events. The entity is the truth;
-- this table serves listings and the expiry sweeper without waking entities.
CREATE TABLE invoices (
  id           UUID PRIMARY KEY,
  merchant_id  UUID NOT NULL,
  chain        VARCHAR(16) NOT NULL,
  address      VARCHAR(64) NOT NULL,
  status       VARCHAR(16) NOT NULL,
  order_id     VARCHAR(128),
  created_at   TIMESTAMPTZ NOT NULL,
  expires_at   TIMESTAMPTZ NOT NULL,
  updated_at   TIMESTAMPTZ NOT NULL,
  -- the invoice state after the last projected event, as JSON (io.stablegate.engine.invoice.Invoice)
  document     JSONB NOT NULL
);

-- newest first per merchant, with the id as tie-breaker for cursor pagination
CREATE INDEX invoices_by_merchant ON invoices (merchant_id, created_at DESC, id DESC);
CREATE INDEX invoices_by_order ON invoices (merchant_id, order_id);
-- what the expiry sweeper looks for
CREATE INDEX invoices_due ON invoices (expires_at) WHERE status = 'PENDING';

-- Final transfers of the token to a watched wallet that paid no invoice, fed by UnmatchedTransferProjection.
CREATE TABLE unmatched_transfers (
  chain         VARCHAR(16) NOT NULL,
  tx_hash       VARCHAR(128) NOT NULL,
  log_index     INTEGER NOT NULL,
  from_address  VARCHAR(64) NOT NULL,
  to_address    VARCHAR(64) NOT NULL,
  amount        NUMERIC(38, 18) NOT NULL,
  block_number  BIGINT NOT NULL,
  seen_at       TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (chain, tx_hash, log_index)
);

CREATE INDEX unmatched_by_wallet ON unmatched_transfers (chain, to_address, seen_at DESC);
