-- Long-term memory. Every item knows where it came from (provenance), how private it is, how long
-- it may live, how salient it is and how often it was used. Forgotten items keep a tombstone for a
-- grace period; then their content, search rows and versions are deleted.
CREATE TABLE memory_items (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('turn', 'session', 'fact', 'preference', 'artifact')),
  content TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'proposed', 'rejected', 'forgotten')),
  privacy TEXT NOT NULL CHECK (privacy IN ('public', 'personal', 'sensitive', 'secret')),
  retention TEXT NOT NULL DEFAULT 'until-revoked',
  expires_at INTEGER,
  confidence REAL NOT NULL DEFAULT 1,
  salience REAL NOT NULL DEFAULT 1,
  access_count INTEGER NOT NULL DEFAULT 0,
  last_access INTEGER,
  speaker TEXT,
  conversation_id TEXT,
  occurred_at INTEGER NOT NULL,
  contradicts TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  forgotten_at INTEGER,
  purge_after INTEGER
) STRICT;

CREATE INDEX memory_by_kind ON memory_items (kind, status, updated_at);
CREATE INDEX memory_by_conversation ON memory_items (conversation_id, kind, status);

CREATE TABLE memory_provenance (
  item_id TEXT NOT NULL REFERENCES memory_items (id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  ref TEXT NOT NULL,
  extractor TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;

CREATE INDEX memory_provenance_by_item ON memory_provenance (item_id);

CREATE TABLE memory_versions (
  item_id TEXT NOT NULL REFERENCES memory_items (id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  content TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (item_id, version)
) STRICT;

-- One row per searchable item (rowid = memory_items.rowid): its text, and the text around it
-- (neighbouring turns), which counts for less.
CREATE VIRTUAL TABLE memory_fts USING fts5(content, context, tokenize = 'porter unicode61');
