-- Spending caps per provider (daily and monthly, in cents and tokens) and every reservation made
-- against them. A reservation is taken inside a transaction before a remote call starts.
CREATE TABLE cost_caps (
  provider TEXT PRIMARY KEY,
  daily_cents INTEGER,
  monthly_cents INTEGER,
  daily_tokens INTEGER,
  monthly_tokens INTEGER,
  tripped_at INTEGER,
  tripped_window TEXT
) STRICT;

CREATE TABLE cost_entries (
  id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  at INTEGER NOT NULL,
  cents REAL NOT NULL,
  tokens INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('reserved', 'spent', 'released'))
) STRICT;

CREATE INDEX cost_entries_by_provider ON cost_entries (provider, at);
