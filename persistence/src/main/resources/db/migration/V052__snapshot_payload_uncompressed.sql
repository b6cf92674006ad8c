-- Snapshots are read back whole on every recovery. A busy wallet's ledger snapshot holds all its open
-- slots (megabytes at a hundred thousand open invoices); stored compressed, PostgreSQL decompressed it
-- on every read (about 50 ms for 4 MB) and compressed it on every write. EXTERNAL keeps large values out of
-- line and uncompressed. It applies to the snapshots written from now on.
ALTER TABLE public.snapshot ALTER COLUMN snapshot_payload SET STORAGE EXTERNAL;
