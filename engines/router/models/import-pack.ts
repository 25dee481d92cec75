// A speech pack the user keeps on disk: a folder with a pack.json. Only its shape is checked
// here; L1 checks every file's SHA-256 before the speech process may load it, and says in the
// voice status what did not load.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AetherError } from '../../bus/index.ts';

/** The pack's name and size on disk; a typed error when the folder is not a speech pack. */
export function readPackFolder(dir: string): { name: string; sizeBytes: number } {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'pack.json'), 'utf8'));
  } catch {
    throw new AetherError(
      'BadRequest',
      `${dir} is not a speech pack: it has no readable pack.json`,
    );
  }
  const { format, name } = (manifest ?? {}) as { format?: unknown; name?: unknown };
  if (format !== 1 || typeof name !== 'string' || !name)
    throw new AetherError('BadRequest', `${dir}/pack.json is not a speech pack of format 1`);
  return { name, sizeBytes: sizeOf(dir) };
}

function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += sizeOf(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}
