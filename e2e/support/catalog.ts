// A model catalog with one chat model, served from a local HTTP server standing in for the hub:
// the file the host reads through AETHER_MODEL_CATALOG.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

/** Writes `catalog` offering `model` (a GGUF file) as "Tiny chat model" at `url`. */
export function writeCatalog(catalog: string, model: string, url: string): void {
  const bytes = readFileSync(model);
  const entry = {
    id: 'tiny-chat',
    name: 'Tiny chat model',
    purpose: 'chat',
    url,
    file: 'tiny.gguf',
    sizeBytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    licence: 'MIT',
    minRamGb: 1,
    recommended: true,
  };
  writeFileSync(catalog, JSON.stringify({ version: 1, models: [entry] }));
}
