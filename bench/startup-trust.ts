// The trust center's views with a lived-in history: 10,000 audit rows (5,000 file reads through
// the real gate, each a decision and an outcome) and 1,000 grants. Aether's trust.get_view and
// trust.list_activity against the bare SQL reads of the same rows in the same run.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHost, sourceResources } from '../engines/host/index.ts';
import { GrantStore } from '../engines/policy/index.ts';
import { openStorage } from '../engines/storage/index.ts';
import { summary } from './stats.ts';

const READS = 5000;
const GRANTS = 1000;

function seedGrants(dataDir: string): void {
  const storage = openStorage({ dataDir, migrationsDir: sourceResources.migrationsDir });
  const store = new GrantStore(storage.db, 'bench');
  storage.db.transaction(() => {
    for (let i = 0; i < GRANTS; i++)
      store.add({
        id: `g${i}`,
        createdAt: Date.now() - i * 3_600_000,
        capability: i % 2 ? 'files.write' : 'process.exec',
        scope:
          i % 2
            ? { kind: 'path', root: `/home/u/projects/p${i}` }
            : { kind: 'command', prefix: ['tool', `sub${i}`] },
        effect: 'allow',
        duration: 'persistent',
        expiresAt: null,
        usesLeft: null,
        taskId: null,
        personaId: null,
      });
  })();
  storage.close();
}

async function timed(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

export async function trustViews() {
  const top = mkdtempSync(join(tmpdir(), 'aether-bench-trust-'));
  const workspace = join(top, 'ws');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'notes.md'), 'a note');
  const dataDir = join(top, 'data');
  seedGrants(dataDir);
  const host = createHost({ mode: 'headless', dataDir, workspace, threads: 1, spawnSpeech: null });
  host.storage.settings.set('policy.preset', { name: 'operator' });
  for (let i = 0; i < READS; i++)
    await host.bus.invoke('policy.perform', {
      capability: 'files.read',
      target: 'notes.md',
      actor: 'user',
      why: `read ${i}`,
    });
  const rows = (await host.bus.invoke('policy.get_state', {})).head;
  const view = await timed(50, () => host.bus.invoke('trust.get_view', {}));
  const activity = await timed(50, () => host.bus.invoke('trust.list_activity', { window: '7d' }));
  await host.dispose();
  // The bare dependency: the same rows read with plain SQL (grants, and a week of decisions and outcomes).
  const db = new Database(join(dataDir, 'aether.db'), { readonly: true });
  const since = Date.now() - 7 * 86_400_000;
  const bare = await timed(50, async () => {
    db.prepare('SELECT * FROM grants WHERE revoked_at IS NULL').all();
    db.prepare(
      `SELECT * FROM audit_log WHERE kind IN ('policy.decision', 'policy.outcome') AND at >= ? ORDER BY seq DESC LIMIT 1000`,
    ).all(since);
  });
  db.close();
  return {
    auditRows: rows,
    grants: GRANTS,
    getViewMs: summary(view),
    listActivityMs: summary(activity),
    bareSqlReadsMs: summary(bare),
  };
}
