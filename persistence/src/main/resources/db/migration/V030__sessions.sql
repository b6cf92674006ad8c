-- Dashboard sessions, one row per login. The session cookie (a signed JWT) carries the row's id in its
-- `sid` claim; every request made with the cookie reads the row, so a revoked session (logout, another
-- session's password change) stops working on every node at once.
CREATE TABLE merchant_sessions (
  id            UUID PRIMARY KEY,
  merchant_id   UUID NOT NULL REFERENCES merchants (id),
  -- the login
  created_at    TIMESTAMPTZ NOT NULL,
  -- created_at + the maximum lifetime: no renewal goes past it
  expires_at    TIMESTAMPTZ NOT NULL,
  -- the login, or the last confirmation of the password in this session
  confirmed_at  TIMESTAMPTZ NOT NULL,
  revoked_at    TIMESTAMPTZ
);
CREATE INDEX merchant_sessions_by_merchant ON merchant_sessions (merchant_id);
