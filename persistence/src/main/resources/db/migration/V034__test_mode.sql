-- Test mode (docs/api.md#test-mode): a merchant's test API key, stored hashed like the live one; the
-- invoices created with it are test invoices, listed and exported apart from the live ones.
ALTER TABLE merchants ADD COLUMN test_api_key_hash CHAR(64) UNIQUE;

ALTER TABLE invoices ADD COLUMN livemode BOOLEAN NOT NULL DEFAULT TRUE;

-- newest first per merchant and mode, with the id as tie-breaker for cursor pagination
DROP INDEX invoices_by_merchant;
CREATE INDEX invoices_by_merchant ON invoices (merchant_id, livemode, created_at DESC, id DESC);
