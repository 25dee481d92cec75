// Downloads a model: resumes a partial file with an HTTP Range request, reports progress,
// hashes as it goes (SHA-256), gives up after a stall, can be cancelled, and refuses to start
// without room on the disk. node-llama-cpp's own downloader retries for minutes and ignores
// abort (MACHINE-FACTS), so this is our own.
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AetherError } from '../../bus/index.ts';

export type Progress = { received: number; total: number | null; bytesPerSecond: number };

export type DownloadOptions = {
  url: string;
  dest: string;
  expectedSha256: string | null;
  expectedBytes: number | null;
  signal: AbortSignal;
  onProgress: (p: Progress) => void;
  stallMs?: number;
  /** Monotonic ms, for the rate shown. */
  monotonic?: () => number;
};

async function hashOf(path: string): Promise<ReturnType<typeof createHash>> {
  const hash = createHash('sha256');
  if (!existsSync(path)) return hash;
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash;
}

/** Resolves with the file's SHA-256 once it is complete and checked, renamed into place. */
export async function download(o: DownloadOptions): Promise<{ sha256: string; bytes: number }> {
  const now = o.monotonic ?? (() => performance.now());
  const partial = `${o.dest}.partial`;
  let have = existsSync(partial) ? statSync(partial).size : 0;
  if (o.expectedBytes) {
    const free = await statfs(dirname(o.dest))
      .then((s) => s.bavail * s.bsize)
      .catch(() => Infinity);
    if (free < (o.expectedBytes - have) * 1.05) {
      throw new AetherError(
        'DiskFull',
        `not enough free disk space: ${Math.round((o.expectedBytes - have) / 1e6)} MB needed, ${Math.round(free / 1e6)} MB free`,
      );
    }
  }
  const stall = new AbortController();
  let stallTimer = setTimeout(() => stall.abort(), o.stallMs ?? 30_000);
  const signal = AbortSignal.any([o.signal, stall.signal]);
  let response: Response;
  try {
    response = await fetch(o.url, { signal, headers: have > 0 ? { range: `bytes=${have}-` } : {} });
  } catch (error) {
    clearTimeout(stallTimer);
    if (o.signal.aborted) throw new AetherError('DownloadFailed', 'download cancelled');
    throw new AetherError(
      'Offline',
      `cannot reach ${new URL(o.url).host} (offline?): ${(error as Error).message}`,
    );
  }
  if (response.status === 200 && have > 0)
    have = 0; // the server ignored the Range: start over
  else if (response.status === 416) have = 0;
  else if (response.status !== 200 && response.status !== 206) {
    clearTimeout(stallTimer);
    throw new AetherError(
      'DownloadFailed',
      `${new URL(o.url).host} answered ${response.status} ${response.statusText}`,
    );
  }
  const length = Number(response.headers.get('content-length') ?? NaN);
  const total = Number.isFinite(length) ? have + length : o.expectedBytes;
  const hash = have > 0 ? await hashOf(partial) : createHash('sha256');
  const out = createWriteStream(partial, { flags: have > 0 ? 'a' : 'w' });
  let received = have;
  const started = now();
  let lastReport = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => stall.abort(), o.stallMs ?? 30_000);
      hash.update(chunk);
      received += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      if (now() - lastReport > 200) {
        lastReport = now();
        o.onProgress({
          received,
          total,
          bytesPerSecond: ((received - have) * 1000) / Math.max(1, now() - started),
        });
      }
    }
  } catch (error) {
    await new Promise<void>((r) => out.end(() => r()));
    if (o.signal.aborted)
      throw new AetherError(
        'DownloadFailed',
        'download cancelled; it will resume where it stopped',
      );
    if (stall.signal.aborted)
      throw new AetherError('DownloadFailed', 'the download stalled; try again to resume it');
    throw new AetherError(
      'DownloadFailed',
      `the download broke off (${(error as Error).message}); try again to resume it`,
    );
  } finally {
    clearTimeout(stallTimer);
  }
  await new Promise<void>((r) => out.end(() => r()));
  o.onProgress({
    received,
    total,
    bytesPerSecond: ((received - have) * 1000) / Math.max(1, now() - started),
  });
  if (total !== null && received < total)
    throw new AetherError(
      'DownloadFailed',
      `the download ended early (${received} of ${total} bytes); try again to resume it`,
    );
  const sha256 = hash.digest('hex');
  if (o.expectedSha256 && sha256 !== o.expectedSha256.toLowerCase()) {
    rmSync(partial, { force: true });
    throw new AetherError(
      'ChecksumMismatch',
      `the downloaded file is not the published one (SHA-256 ${sha256.slice(0, 12)}… instead of ${o.expectedSha256.slice(0, 12)}…); it was deleted`,
    );
  }
  renameSync(partial, o.dest);
  return { sha256, bytes: received };
}
