// The costs issue 10 added to the gate's path, each against the bare operation in the same run:
// the at-use re-check of a file action (open exactly the approved object, confirm where the
// descriptor points, re-apply the hard blocks) against a plain open + read, and an audited change
// (the change and its audit row in one transaction, through the bus) against the bare UPDATE.
import {
  fstatSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHost } from '../engines/host/index.ts';
import { isProtected, type PolicyState, hardBlocks } from '../engines/policy/index.ts';
import { percentile, round, summary } from './stats.ts';

const p99 = (values: number[], digits = 3) => round(percentile(values, 99), digits);
const ms = (values: number[]) => ({ ...summary(values), p99: p99(values) });

export async function atUseRecheck(runs = 2000) {
  const top = realpathSync(mkdtempSync(join(tmpdir(), 'aether-bench-recheck-')));
  const workspace = join(top, 'ws');
  const file = join(workspace, 'notes.md');
  mkdirSync(workspace);
  writeFileSync(file, 'buy milk\n'.repeat(50));
  const state = { hardBlocks: hardBlocks(join(top, 'data'), join(top, 'personas'), top) } as Pick<
    PolicyState,
    'hardBlocks'
  >;
  // The re-check as the file executors run it on an open descriptor (engines/tools/exact-fs.ts):
  // where it really points, and L5's hard blocks again, by path and by device+inode.
  const handle = await open(file, 'r');
  const only: number[] = [];
  for (let i = 0; i < runs * 2; i++) {
    const t = performance.now();
    const info = fstatSync(handle.fd);
    const real = readlinkSync(`/proc/self/fd/${handle.fd}`);
    if (
      real !== file ||
      isProtected(real, info.nlink > 1 ? [`${info.dev}:${info.ino}`] : undefined, state)
    )
      throw new Error('unexpected');
    only.push(performance.now() - t);
  }
  await handle.close();
  // For context, a whole read through the gate of a real host (evaluate, audit rows, the executor
  // with its re-check) against a plain open + read + close of the same file.
  const host = createHost({ mode: 'headless', dataDir: join(top, 'data'), workspace, threads: 1 });
  host.storage.settings.set('policy.preset', { name: 'power-user' });
  const gated: number[] = [],
    bare: number[] = [];
  for (let i = 0; i < 550; i++) {
    let t = performance.now();
    const out = await host.bus.invoke('policy.perform', {
      capability: 'files.read',
      target: file,
      actor: 'user',
      why: 'bench',
    });
    const a = performance.now() - t;
    if (out.status !== 'done') throw new Error(out.explanation);
    t = performance.now();
    const h = await open(file, 'r');
    await h.read(Buffer.alloc(4096), 0, 4096, 0);
    await h.close();
    if (i >= 50) {
      gated.push(a);
      bare.push(performance.now() - t);
    }
  }
  await host.dispose();
  return {
    runs: runs * 2,
    recheckMs: { p50: round(percentile(only, 50), 4), p99: p99(only, 4) },
    gatedReadMs: ms(gated),
    bareOpenReadMs: ms(bare),
  };
}

export async function auditedChange(runs = 1000) {
  const host = createHost({
    mode: 'headless',
    dataDir: mkdtempSync(join(tmpdir(), 'aether-bench-atomic-')),
    threads: 1,
  });
  const c = await host.bus.invoke('chat.create_conversation', {});
  const audited: number[] = [],
    bare: number[] = [];
  for (let i = 0; i < runs + 50; i++) {
    let t = performance.now();
    await host.bus.invoke(
      'chat.rename_conversation',
      { id: c.id, title: `Title ${i}` },
      { origin: 'renderer' },
    );
    const a = performance.now() - t;
    t = performance.now();
    host.storage.conversations.rename(c.id, `Bare ${i}`, Date.now());
    const b = performance.now() - t;
    if (i >= 50) {
      audited.push(a);
      bare.push(b);
    }
  }
  await host.dispose();
  const extra = audited.map((a, i) => a - bare[i]);
  return {
    runs,
    auditedCommandMs: ms(audited),
    bareUpdateMs: ms(bare),
    changePlusAuditOverheadMs: { p50: round(percentile(extra, 50), 3), p99: p99(extra) },
  };
}
