-- Read side of webhook deliveries, fed by WebhookDeliveryProjectionHandler from the invoice events
-- (the invoice entity is the truth). Serves the attempts listing and the delivery sweeper, which wakes
-- invoices whose delivery is due while they sleep.
CREATE TABLE webhook_deliveries (
  event_id         UUID PRIMARY KEY,
  invoice_id       UUID NOT NULL,
  type             VARCHAR(40) NOT NULL,
  status           VARCHAR(16) NOT NULL,     -- PENDING, DELIVERED, FAILED
  attempts         INTEGER NOT NULL,
  next_attempt_at  TIMESTAMPTZ,              -- while PENDING
  created_at       TIMESTAMPTZ NOT NULL,
  updated_at       TIMESTAMPTZ NOT NULL
);

CREATE INDEX webhook_deliveries_by_invoice ON webhook_deliveries (invoice_id);
-- what the delivery sweeper looks for
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING';

-- Every attempt, as GET /api/v1/webhook-deliveries lists it.
CREATE TABLE webhook_attempts (
  event_id      UUID NOT NULL,
  attempt       INTEGER NOT NULL,
  invoice_id    UUID NOT NULL,
  type          VARCHAR(40) NOT NULL,
  attempted_at  TIMESTAMPTZ NOT NULL,
  status_code   INTEGER,                      -- null when no HTTP answer came
  error         TEXT,                         -- null on success
  duration_ms   BIGINT NOT NULL,
  outcome       VARCHAR(16) NOT NULL,         -- the delivery's status after this attempt
  PRIMARY KEY (event_id, attempt)
);

CREATE INDEX webhook_attempts_by_invoice ON webhook_attempts (invoice_id, attempted_at, attempt);
