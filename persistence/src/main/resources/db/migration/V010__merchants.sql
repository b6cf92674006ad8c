-- Merchant accounts and their settings. Only what the security page promises to keep: the email,
-- the bcrypt hash of the password, the SHA-256 of the API key, wallets, webhook settings.
CREATE TABLE merchants (
  id             UUID PRIMARY KEY,
  email          VARCHAR(254) NOT NULL,
  password_hash  VARCHAR(80) NOT NULL,
  -- SHA-256 of the API key, lowercase hex; the key itself is shown once and never stored
  api_key_hash   CHAR(64) NOT NULL UNIQUE,
  created_at     TIMESTAMPTZ NOT NULL
);
-- emails are compared case-insensitively
CREATE UNIQUE INDEX merchants_by_email ON merchants (lower(email));

-- One receiving wallet per merchant and chain, in canonical form (EIP-55 / base58check).
-- An address belongs to one merchant only: a payment to it must credit exactly one account.
CREATE TABLE merchant_wallets (
  merchant_id  UUID NOT NULL REFERENCES merchants (id),
  chain        VARCHAR(16) NOT NULL,
  address      VARCHAR(64) NOT NULL,
  updated_at   TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (merchant_id, chain),
  UNIQUE (chain, address)
);

-- Webhook settings; secrets are AES-256-GCM ciphertexts under STABLEGATE_MASTER_KEY (SecretCipher).
CREATE TABLE merchant_webhooks (
  merchant_id                 UUID PRIMARY KEY REFERENCES merchants (id),
  url                         TEXT NOT NULL,
  secret_ciphertext           BYTEA NOT NULL,
  previous_secret_ciphertext  BYTEA,
  previous_secret_expires_at  TIMESTAMPTZ,
  disabled_at                 TIMESTAMPTZ,
  disabled_reason             TEXT,
  updated_at                  TIMESTAMPTZ NOT NULL
);

-- Idempotency-Key of POST /api/v1/invoices: the first request with a key claims the row; later ones
-- with the same body get the stored response, with another body a 422.
CREATE TABLE invoice_idempotency_keys (
  merchant_id    UUID NOT NULL REFERENCES merchants (id),
  idem_key       VARCHAR(255) NOT NULL,
  request_hash   CHAR(64) NOT NULL,
  invoice_id     UUID NOT NULL,
  address        VARCHAR(64) NOT NULL,
  expires_at     TIMESTAMPTZ NOT NULL,
  response_body  TEXT,
  created_at     TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (merchant_id, idem_key)
);

-- Development-mode secrets (JWT signing key, master key) generated once and shared by every node.
-- Production mode never writes here: its secrets come from the environment.
CREATE TABLE node_secrets (
  name        VARCHAR(64) PRIMARY KEY,
  value       TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL
);
