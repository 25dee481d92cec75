// The costs issue 10 added to the gate's path, each against the bare operation in the same run:
// the at-use re-check of a file action (open exactly the approved object, confirm where the
// descriptor points, re-apply the hard blocks) against a plain open + read, and an audited change
// (the change and its audit row in one transaction, through the bus) against the bare UPDATE.
import { fstatSync, mkdirSync, mkdtempSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHost } from '../engines/host/create-host.ts';
import { isProtected, type PolicyState } from '../engines/policy/evaluate.ts';
import { hardBlocks } from '../engines/policy/protected.ts';
import { createToolset } from '../engines/tools/index.ts';
import { percentile, round, summary } from './stats.ts';

const p99 = (values: number[], digits = 3) => round(percentile(values, 99), digits);
const ms = (values: number[]) => ({ ...summary(values), p99: p99(values) });

export async function atUseRecheck(runs = 2000) {
  const top = realpathSync(mkdtempSync(join(tmpdir(), 'aether-bench-recheck-')));
  const file = join(top, 'ws', 'notes.md');
  mkdirSync(join(top, 'ws'));
  writeFileSync(file, 'buy milk\n'.repeat(50));
  const state = { hardBlocks: hardBlocks(join(top, 'data'), join(top, 'personas'), top) } as Pick<PolicyState, 'hardBlocks'>;
  const guard = (path: string, info: { dev: number; ino: number; nlink: number; isFile(): boolean }) => {
    if (isProtected(path, info.isFile() && info.nlink > 1 ? [`${info.dev}:${info.ino}`] : undefined, state)) throw new Error('protected');
  };
  const read = createToolset({ workspace: join(top, 'ws'), trashDir: join(top, 'trash') })['files.read'];
  const signal = new AbortController().signal;
  const aether: number[] = [], bare: number[] = [], extra: number[] = [];
  for (let i = 0; i < runs + 100; i++) {
    let t = performance.now();
    await read({ capability: 'files.read', path: file, signal, guard });
    const a = performance.now() - t;
    t = performance.now();
    const handle = await open(file, 'r');
    await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    await handle.close();
    const b = performance.now() - t;
    if (i < 100) continue; // warm-up
    aether.push(a); bare.push(b); extra.push(a - b);
  }
  // The re-check itself, on an open descriptor: where it really points, and the hard blocks again.
  const handle = await open(file, 'r');
  const only: number[] = [];
  for (let i = 0; i < runs * 2; i++) {
    const t = performance.now();
    const info = fstatSync(handle.fd);
    guard(readlinkSync(`/proc/self/fd/${handle.fd}`), info);
    only.push(performance.now() - t);
  }
  await handle.close();
  return {
    runs, recheckMs: { p50: round(percentile(only, 50), 4), p99: p99(only, 4) },
    // End to end, for context: the whole read executor against a plain open + read + close.
    aetherReadMs: ms(aether), bareOpenReadMs: ms(bare), readDifferenceMs: { p50: round(percentile(extra, 50), 3), p99: p99(extra) },
  };
}

export async function auditedChange(runs = 1000) {
  const host = createHost({ mode: 'headless', dataDir: mkdtempSync(join(tmpdir(), 'aether-bench-atomic-')), threads: 1 });
  const c = await host.bus.invoke('chat.create_conversation', {});
  const audited: number[] = [], bare: number[] = [];
  for (let i = 0; i < runs + 50; i++) {
    let t = performance.now();
    await host.bus.invoke('chat.rename_conversation', { id: c.id, title: `Title ${i}` }, { origin: 'renderer' });
    const a = performance.now() - t;
    t = performance.now();
    host.storage.conversations.rename(c.id, `Bare ${i}`, Date.now());
    const b = performance.now() - t;
    if (i >= 50) { audited.push(a); bare.push(b); }
  }
  await host.dispose();
  const extra = audited.map((a, i) => a - bare[i]);
  return { runs, auditedCommandMs: ms(audited), bareUpdateMs: ms(bare), changePlusAuditOverheadMs: { p50: round(percentile(extra, 50), 3), p99: p99(extra) } };
}
