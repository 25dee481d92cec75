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
  type WriteStream,
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

async function checkRoom(o: DownloadOptions, have: number): Promise<void> {
  if (!o.expectedBytes) return;
  const free = await statfs(dirname(o.dest))
    .then((s) => s.bavail * s.bsize)
    .catch(() => Infinity);
  const needed = o.expectedBytes - have;
  if (free < needed * 1.05)
    throw new AetherError(
      'DiskFull',
      `not enough free disk space: ${Math.round(needed / 1e6)} MB needed, ${Math.round(free / 1e6)} MB free`,
    );
}

/** Aborts once `ms` pass without a `bump()`: a download that stops moving is given up. */
function stallWatch(ms: number) {
  const stall = new AbortController();
  let timer = setTimeout(() => stall.abort(), ms);
  return {
    signal: stall.signal,
    bump(): void {
      clearTimeout(timer);
      timer = setTimeout(() => stall.abort(), ms);
    },
    stop: () => clearTimeout(timer),
  };
}

/** The response to (re)start from `have`, and where it really starts (a server may ignore Range). */
async function request(o: DownloadOptions, have: number, signal: AbortSignal) {
  let response: Response;
  try {
    response = await fetch(o.url, { signal, headers: have > 0 ? { range: `bytes=${have}-` } : {} });
  } catch (error) {
    if (o.signal.aborted) throw new AetherError('DownloadFailed', 'download cancelled');
    const host = new URL(o.url).host;
    throw new AetherError(
      'Offline',
      `cannot reach ${host} (offline?): ${(error as Error).message}`,
    );
  }
  // 200 to a Range request: the server ignored it; 416: nothing past what we have. Start over.
  if (response.status === 416 || (response.status === 200 && have > 0))
    return { response, from: 0 };
  if (response.status !== 200 && response.status !== 206)
    throw new AetherError(
      'DownloadFailed',
      `${new URL(o.url).host} answered ${response.status} ${response.statusText}`,
    );
  return { response, from: have };
}

type Sink = { out: WriteStream; hash: ReturnType<typeof createHash>; received: number };

/** Writes and hashes the body, reporting progress at most every 200 ms. */
async function receive(
  o: DownloadOptions,
  body: Response['body'],
  sink: Sink,
  stall: ReturnType<typeof stallWatch>,
  total: number | null,
): Promise<void> {
  const now = o.monotonic ?? (() => performance.now());
  const from = sink.received;
  const started = now();
  let lastReport = 0;
  const report = () =>
    o.onProgress({
      received: sink.received,
      total,
      bytesPerSecond: ((sink.received - from) * 1000) / Math.max(1, now() - started),
    });
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    stall.bump();
    sink.hash.update(chunk);
    sink.received += chunk.length;
    if (!sink.out.write(chunk)) await new Promise<void>((r) => sink.out.once('drain', () => r()));
    if (now() - lastReport > 200) {
      lastReport = now();
      report();
    }
  }
  report();
}

function brokenOff(o: DownloadOptions, stalled: boolean, error: unknown): AetherError {
  if (o.signal.aborted)
    return new AetherError('DownloadFailed', 'download cancelled; it will resume where it stopped');
  if (stalled)
    return new AetherError('DownloadFailed', 'the download stalled; try again to resume it');
  const why = (error as Error).message;
  return new AetherError(
    'DownloadFailed',
    `the download broke off (${why}); try again to resume it`,
  );
}

function finish(o: DownloadOptions, partial: string, sink: Sink, total: number | null) {
  if (total !== null && sink.received < total)
    throw new AetherError(
      'DownloadFailed',
      `the download ended early (${sink.received} of ${total} bytes); try again to resume it`,
    );
  const sha256 = sink.hash.digest('hex');
  if (o.expectedSha256 && sha256 !== o.expectedSha256.toLowerCase()) {
    rmSync(partial, { force: true });
    throw new AetherError(
      'ChecksumMismatch',
      `the downloaded file is not the published one (SHA-256 ${sha256.slice(0, 12)}… instead of ${o.expectedSha256.slice(0, 12)}…); it was deleted`,
    );
  }
  renameSync(partial, o.dest);
  return { sha256, bytes: sink.received };
}

/** Resolves with the file's SHA-256 once it is complete and checked, renamed into place. */
export async function download(o: DownloadOptions): Promise<{ sha256: string; bytes: number }> {
  const partial = `${o.dest}.partial`;
  const had = existsSync(partial) ? statSync(partial).size : 0;
  await checkRoom(o, had);
  const stall = stallWatch(o.stallMs ?? 30_000);
  try {
    const { response, from } = await request(o, had, AbortSignal.any([o.signal, stall.signal]));
    const length = Number(response.headers.get('content-length') ?? NaN);
    const total = Number.isFinite(length) ? from + length : o.expectedBytes;
    const hash = from > 0 ? await hashOf(partial) : createHash('sha256');
    const out = createWriteStream(partial, { flags: from > 0 ? 'a' : 'w' });
    const sink: Sink = { out, hash, received: from };
    const closed = () => new Promise<void>((r) => out.end(() => r()));
    try {
      await receive(o, response.body, sink, stall, total);
    } catch (error) {
      await closed();
      throw brokenOff(o, stall.signal.aborted, error);
    }
    await closed();
    return finish(o, partial, sink, total);
  } finally {
    stall.stop();
  }
}
