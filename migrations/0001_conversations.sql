-- Settings, conversations and their turns. One row per turn: the user's text and the reply.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE INDEX conversations_by_update ON conversations (updated_at DESC);

CREATE TABLE turns (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_text TEXT NOT NULL,
  assistant_text TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('streaming', 'complete', 'stopped', 'error')),
  error_code TEXT,
  error_message TEXT,
  model TEXT,
  ttft_ms REAL,
  tokens INTEGER NOT NULL DEFAULT 0,
  tokens_per_second REAL,
  created_at INTEGER NOT NULL,
  completed_at INTEGER
) STRICT;

CREATE INDEX turns_by_conversation ON turns (conversation_id, created_at);
