// Generated models are cached by their options, so tests and benchmarks make each file once.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeModel, type ModelOptions } from './make-model.ts';

export const CACHE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../.cache/models');

// Bump when the generator's output changes, so stale cached files are not reused.
const GENERATOR_VERSION = 2;

export function cachedModel(options: ModelOptions): string {
  const key = createHash('sha256')
    .update(JSON.stringify({ v: GENERATOR_VERSION, ...options }))
    .digest('hex')
    .slice(0, 16);
  const file = join(
    CACHE_DIR,
    `${options.preset}-${options.type}${options.script ? '-scripted' : ''}-${key}.gguf`,
  );
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    // Write beside and rename, so a concurrent test never sees half a file.
    const partial = `${file}.${process.pid}.partial`;
    makeModel(partial, options);
    renameSync(partial, file);
  }
  return file;
}
