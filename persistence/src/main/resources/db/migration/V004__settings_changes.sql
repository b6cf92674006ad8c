-- Append-only, hash-chained log of merchant settings changes (io.stablegate.engine.audit.SettingsChange).
-- hash = EventHasher.hash(SettingsChange); prev_hash = the hash of the merchant's previous change.
CREATE TABLE settings_changes (
  merchant_id  UUID NOT NULL,
  seq_nr       BIGINT NOT NULL,
  kind         VARCHAR(32) NOT NULL,
  subject      VARCHAR(64),
  old_value    TEXT,
  new_value    TEXT,
  actor        VARCHAR(64) NOT NULL,
  at           TIMESTAMPTZ NOT NULL,
  prev_hash    CHAR(64) NOT NULL,
  hash         CHAR(64) NOT NULL,
  PRIMARY KEY (merchant_id, seq_nr)
);
