-- Speech packs (recognisers, voices) are installed models too: a folder under DATA/speech.
-- SQLite cannot change a CHECK constraint, so the table is rebuilt with the new purpose.
CREATE TABLE models_new (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  purpose TEXT NOT NULL CHECK (purpose IN ('chat', 'embedding', 'speech')),
  path TEXT NOT NULL,
  sha256 TEXT,
  size_bytes INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('catalog', 'import')),
  installed_at INTEGER NOT NULL
) STRICT;
INSERT INTO models_new SELECT * FROM models;
DROP TABLE models;
ALTER TABLE models_new RENAME TO models;
