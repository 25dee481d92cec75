-- Installed models: downloaded from the catalog into DATA/models, or imported from where they are.
CREATE TABLE models (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  purpose TEXT NOT NULL CHECK (purpose IN ('chat', 'embedding')),
  path TEXT NOT NULL,
  sha256 TEXT,
  size_bytes INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('catalog', 'import')),
  installed_at INTEGER NOT NULL
) STRICT;
