// Downloads a speech pack from the catalog: each of its files in turn (resumed, checked and
// hashed like a model), progress over the whole pack, then its pack.json with the SHA-256 of
// every file — which L1 checks again before the speech process may load any of them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { AetherError, type CatalogEntry } from '../../bus/index.ts';
import { download, type Progress } from './download.ts';

export type PackDownload = {
  entry: CatalogEntry;
  dir: string;
  signal: AbortSignal;
  onProgress: (p: Progress) => void;
};

const inside = (path: string) => !isAbsolute(path) && !normalize(path).split(sep).includes('..');

export async function downloadPack(o: PackDownload): Promise<{ bytes: number }> {
  const files = o.entry.files ?? [];
  if (files.length === 0 || !o.entry.pack)
    throw new AetherError('BadRequest', `${o.entry.name} names no files to download`);
  const total = files.reduce((n, f) => n + f.sizeBytes, 0);
  const sha256: Record<string, string> = {};
  let done = 0;
  for (const file of files) {
    if (!inside(file.path))
      throw new AetherError('BadRequest', `${file.path} is not a path inside the pack`);
    const dest = join(o.dir, file.path);
    mkdirSync(dirname(dest), { recursive: true });
    const got = await download({
      url: file.url,
      dest,
      expectedSha256: file.sha256,
      expectedBytes: file.sizeBytes,
      signal: o.signal,
      onProgress: (p) => o.onProgress({ ...p, received: done + p.received, total }),
    });
    sha256[file.path] = got.sha256;
    done += got.bytes;
  }
  const manifest = { ...o.entry.pack, sha256 };
  writeFileSync(join(o.dir, 'pack.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { bytes: done };
}
