-- The audit ledger: append-only, hash-chained, HMAC-sealed. Triggers refuse UPDATE and DELETE;
-- the single-row head points at the tip so a missing tail is noticed.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  change_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT NOT NULL,
  capability TEXT,
  resource TEXT,
  decision TEXT,
  reason TEXT,
  details TEXT NOT NULL,
  key_id TEXT NOT NULL,
  prev_hash BLOB NOT NULL,
  event_hash BLOB NOT NULL,
  record_hmac BLOB NOT NULL
);

CREATE INDEX audit_by_change ON audit_log (change_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  event_hash BLOB NOT NULL
) STRICT;
