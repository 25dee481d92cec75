// A differential update: electron-builder's block maps of the old and the new file, and
// electron-updater's GenericDifferentialDownloader fetching only the changed blocks with Range
// requests from a server on 127.0.0.1, then rebuilding the new file from the old one.
import { buildBlockMap } from 'app-builder-lib/out/targets/blockmap/blockmap.js';
import { CancellationToken } from 'builder-util-runtime';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GenericDifferentialDownloader } from 'electron-updater/out/differentialDownloader/GenericDifferentialDownloader.js';
import { NodeExecutor } from './node-updater.fixture.ts';

describe('differential update', () => {
  it('rebuilds the new file from the old one and only the blocks that changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aether-differential-'));
    const old = randomBytes(4 << 20);
    const next = Buffer.from(old);
    randomBytes(40_000).copy(next, 1_500_000); // one region changed, as a small release would
    const [oldFile, newFile, rebuilt] = ['old.deb', 'new.deb', 'rebuilt.deb'].map((f) =>
      join(dir, f),
    );
    writeFileSync(oldFile, old);
    writeFileSync(newFile, next);
    const oldMap = await buildBlockMap(oldFile, 'gzip', `${oldFile}.blockmap`);
    const newMap = await buildBlockMap(newFile, 'gzip', `${newFile}.blockmap`);
    let served = 0;
    const server = createServer((req, res) => {
      const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      if (!m) return void res.writeHead(416).end();
      const part = next.subarray(Number(m[1]), Number(m[2]) + 1);
      served += part.length;
      res.writeHead(206, { 'content-range': `bytes ${m[1]}-${m[2]}/${next.length}` }).end(part);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/new.deb`);
    try {
      const read = (f: string) => JSON.parse(gunzipSync(readFileSync(f)).toString());
      const downloader = new GenericDifferentialDownloader(
        { sha512: newMap.sha512, size: next.length },
        new NodeExecutor(),
        {
          newUrl: url,
          oldFile,
          newFile: rebuilt,
          logger: { info() {}, warn() {}, error() {} },
          isUseMultipleRangeRequest: false,
          requestHeaders: null,
          cancellationToken: new CancellationToken(),
        },
      );
      await downloader.download(read(`${oldFile}.blockmap`), read(`${newFile}.blockmap`));
    } finally {
      server.close();
    }
    const sha = (b: Buffer) => createHash('sha512').update(b).digest('base64');
    expect(sha(readFileSync(rebuilt))).toBe(sha(next));
    expect(oldMap.sha512).toBe(sha(old));
    expect(served).toBeGreaterThan(40_000);
    expect(served).toBeLessThan(next.length / 20);
  });
});
