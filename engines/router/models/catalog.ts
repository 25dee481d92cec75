// The catalog of recommended models, bundled as JSON; AETHER_MODEL_CATALOG points at another
// file (a mirror, or a test fixture).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { catalogEntrySchema, type CatalogEntry } from '../../bus/index.ts';
import bundled from './catalog.json' with { type: 'json' };

const catalogSchema = z.object({ version: z.literal(1), models: z.array(catalogEntrySchema) });

export function loadCatalog(text: string): CatalogEntry[] {
  return catalogSchema.parse(JSON.parse(text)).models;
}

export function defaultCatalog(env: NodeJS.ProcessEnv = process.env): CatalogEntry[] {
  if (env.AETHER_MODEL_CATALOG) return loadCatalog(readFileSync(env.AETHER_MODEL_CATALOG, 'utf8'));
  return catalogSchema.parse(bundled).models;
}
