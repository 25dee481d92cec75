-- Embeddings of memory items (float32, for re-ranking), written when an embedding model is
-- installed. The bit-quantized KNN index (sqlite-vec) is built beside it at run time, because it
-- needs the extension loaded.
CREATE TABLE memory_embeddings (
  item_rowid INTEGER PRIMARY KEY,
  model TEXT NOT NULL,
  dims INTEGER NOT NULL,
  vector BLOB NOT NULL
) STRICT;
