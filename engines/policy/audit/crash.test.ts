// kill -9 of a writer at random moments: every row it acknowledged is on disk, SQLite's
// integrity check passes and the chain (with its checkpoints) verifies, run after run.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ledgerFixture } from './ledger.fixture.ts';

const WRITER = fileURLToPath(new URL('./crash-writer.fixture.ts', import.meta.url));
const RUNS = Number(process.env.AETHER_CRASH_RUNS ?? 200);

function crashOnce(dir: string, delayMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: number[] = [];
    let buffer = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), delayMs);
        else if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
      }
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`writer exited on its own: ${err}`)),
    );
  });
}

describe('audit ledger under kill -9', () => {
  it(`keeps every acknowledged row and a verifiable chain across ${RUNS} crashes`, async () => {
    // Two ledgers crash side by side, one per core.
    const dirs = [
      mkdtempSync(join(tmpdir(), 'aether-crash-a-')),
      mkdtempSync(join(tmpdir(), 'aether-crash-b-')),
    ];
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const acked: number[][] = [[], []];
    for (let run = 0; run < RUNS; run += 2) {
      const results = await Promise.all(
        dirs.map((dir) => crashOnce(dir, Math.floor(random() * 40))),
      );
      results.forEach((r, i) => acked[i].push(...r));
      if (run % 50 === 0 || run + 2 >= RUNS) {
        for (const [i, dir] of dirs.entries()) {
          const { storage, ledger } = ledgerFixture({ dir, checkpointEveryRows: 7 });
          expect(storage.db.pragma('integrity_check', { simple: true })).toBe('ok');
          const present = new Set(
            storage.db.prepare('SELECT seq FROM audit_log').pluck().all() as number[],
          );
          const missing = acked[i].filter((seq) => !present.has(seq));
          expect(missing).toEqual([]);
          expect(ledger.verify()).toMatchObject({ ok: true });
          ledger.dispose();
          storage.close();
        }
      }
    }
    expect(acked[0].length + acked[1].length).toBeGreaterThan(RUNS);
  }, 600_000);
});
