-- Grants: what the user allowed (or refused) for a scope and a time. Revoked grants stay, marked,
-- so the Grants tab and the audit log can show what was once allowed.
CREATE TABLE grants (
  id TEXT PRIMARY KEY,
  capability TEXT NOT NULL,
  scope TEXT NOT NULL,
  effect TEXT NOT NULL CHECK (effect IN ('allow', 'deny')),
  duration TEXT NOT NULL CHECK (duration IN ('once', 'task', 'session', 'until', 'persistent')),
  expires_at INTEGER,
  uses_left INTEGER,
  task_id TEXT,
  session_id TEXT,
  persona_id TEXT,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  revoke_reason TEXT
) STRICT;

CREATE INDEX grants_live ON grants (capability) WHERE revoked_at IS NULL;
