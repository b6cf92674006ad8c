-- Further webhook endpoints of a merchant (POST /api/v1/webhook-endpoints), besides the default one of
-- merchant_webhooks: each with its own URL, event filter and signing secrets (encrypted with the master
-- key, bound to the endpoint's id). An endpoint that answered 410 Gone is disabled until re-enabled.
CREATE TABLE webhook_endpoints (
  id                          UUID PRIMARY KEY,
  merchant_id                 UUID NOT NULL REFERENCES merchants (id),
  url                         TEXT NOT NULL,
  events                      TEXT NOT NULL,             -- comma-separated webhook types, or *
  secret_ciphertext           BYTEA NOT NULL,
  previous_secret_ciphertext  BYTEA,
  previous_secret_expires_at  TIMESTAMPTZ,
  disabled_at                 TIMESTAMPTZ,
  disabled_reason             TEXT,
  created_at                  TIMESTAMPTZ NOT NULL,
  updated_at                  TIMESTAMPTZ NOT NULL
);

CREATE INDEX webhook_endpoints_by_merchant ON webhook_endpoints (merchant_id, created_at);

-- One delivery (and its attempts) per event and endpoint; the default endpoint is the nil UUID.
ALTER TABLE webhook_deliveries ADD COLUMN endpoint_id UUID NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_pkey;
ALTER TABLE webhook_deliveries ADD PRIMARY KEY (event_id, endpoint_id);

ALTER TABLE webhook_attempts ADD COLUMN endpoint_id UUID NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
ALTER TABLE webhook_attempts DROP CONSTRAINT webhook_attempts_pkey;
ALTER TABLE webhook_attempts ADD PRIMARY KEY (event_id, endpoint_id, attempt);
