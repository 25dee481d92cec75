-- One rolling session memory per conversation: the item that holds it, and the model's summary of
-- what came before `summarized_through` (a memory_items rowid), once the conversation went quiet.
CREATE TABLE memory_sessions (
  conversation_id TEXT PRIMARY KEY,
  item_id TEXT NOT NULL REFERENCES memory_items(id) ON DELETE CASCADE,
  summary TEXT NOT NULL DEFAULT '',
  summarized_through INTEGER NOT NULL DEFAULT 0,
  last_turn_id TEXT,
  updated_at INTEGER NOT NULL
) STRICT;
