-- Envelopes a read-side projection could not apply for a reason that retrying cannot cure (a data
-- exception, a constraint, an error of the handler's own code). The projection parks them here, in
-- the transaction that moves its offset on, and carries on with the next envelope. Later envelopes of
-- the same entity are parked behind the first, so that a replay applies them in order.
-- `stablegate projections parked` lists them; `stablegate projections replay` applies them again
-- (docs/operations.md, "Parked envelopes").
CREATE TABLE parked_envelopes (
  id              BIGSERIAL PRIMARY KEY,
  projection      VARCHAR(64) NOT NULL,   -- the projection's name: invoices, unmatched-transfers, webhook-deliveries
  tag             VARCHAR(64) NOT NULL,   -- the slice (event tag) it was read from
  persistence_id  VARCHAR(255) NOT NULL,
  sequence_nr     BIGINT NOT NULL,
  event_offset    BIGINT NOT NULL,        -- the journal's ordering
  event_type      VARCHAR(128) NOT NULL,
  error           TEXT NOT NULL,          -- the last failure, as class: message
  attempts        INTEGER NOT NULL,       -- 1 when parked, +1 per failed replay
  parked_at       TIMESTAMPTZ NOT NULL,
  last_attempt_at TIMESTAMPTZ NOT NULL,
  UNIQUE (projection, persistence_id, sequence_nr)
);
