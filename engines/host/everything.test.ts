// Export everything and delete everything through a real host: a real archive read back with
// tar, a refused deletion that leaves an audit row and loses nothing, and a deletion whose new
// ledger begins by recording it.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost, type Host } from './index.ts';
import { wipeData } from './everything.ts';
import { approveEverything, say } from './testing.ts';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

function start(dataDir: string, onDeleteEverything?: () => void) {
  const host = createHost({ mode: 'headless', dataDir, threads: 1, onDeleteEverything });
  hosts.push(host);
  approveEverything(host);
  return host;
}

describe('export everything', () => {
  it('writes one tar archive with conversations, memory, grants, settings and the audit log', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'aether-everything-')), 'data');
    const host = start(dataDir);
    const c = await host.bus.invoke('chat.create_conversation', {});
    await say(host, c.id, 'remember that my sister is called Ada');
    const r = await host.bus.invoke('host.export_everything', {}, { origin: 'renderer' });
    expect(r.outcome.status).toBe('done');
    const names = execFileSync('tar', ['-tf', r.path!], { encoding: 'utf8' }).split('\n');
    for (const name of [
      'conversations.json',
      'memory.json',
      'grants.json',
      'settings.json',
      'README.txt',
      'audit/audit.jsonl',
      'audit/public-key.txt',
    ])
      expect(names).toContain(`aether-export/${name}`);
    const out = mkdtempSync(join(tmpdir(), 'aether-everything-out-'));
    execFileSync('tar', ['-xf', r.path!, '-C', out]);
    const conversations = JSON.parse(
      readFileSync(join(out, 'aether-export', 'conversations.json'), 'utf8'),
    );
    expect(conversations[0].turns[0].userText).toBe('remember that my sister is called Ada');
    expect(readFileSync(join(out, 'aether-export', 'memory.json'), 'utf8')).toContain('Ada');
    expect(readdirSync(join(dataDir, 'exports')).filter((n) => n.endsWith('.staging'))).toEqual([]);
  });
});

describe('delete everything', () => {
  it('refuses other words with an audit row and deletes nothing', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'aether-delete-no-')), 'data');
    let asked = 0;
    const host = start(dataDir, () => (asked += 1));
    const o = await host.bus.invoke(
      'host.delete_everything',
      { confirm: 'delete' },
      { origin: 'renderer' },
    );
    expect(o).toMatchObject({ status: 'failed', error: { code: 'BadRequest' } });
    const { rows } = await host.bus.invoke('policy.list_audit', { capability: 'data.delete_all' });
    expect(rows.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(asked).toBe(0);
    expect(existsSync(join(dataDir, 'aether.db'))).toBe(true);
  });

  it('with the typed words and a yes, hands over to a fresh start whose ledger begins with the deletion', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'aether-delete-')), 'data');
    let restart!: () => void;
    const asked = new Promise<void>((r) => (restart = r));
    const host = start(dataDir, () => restart());
    const c = await host.bus.invoke('chat.create_conversation', { title: 'private' });
    const o = await host.bus.invoke(
      'host.delete_everything',
      { confirm: 'delete everything' },
      { origin: 'renderer' },
    );
    expect(o.status).toBe('done');
    await asked;
    const { head } = await host.bus.invoke('policy.get_state', {});
    await host.dispose();
    hosts.splice(0);
    const removed = wipeData(dataDir, Date.now(), head);
    expect(removed).toEqual(expect.arrayContaining(['aether.db', 'keys']));
    expect(existsSync(join(dataDir, 'aether.db'))).toBe(false);
    const fresh = start(dataDir);
    await expect
      .poll(async () => (await fresh.bus.invoke('policy.list_audit', {})).rows.length)
      .toBeGreaterThan(0);
    const db = new Database(join(dataDir, 'aether.db'), { readonly: true });
    const first = db
      .prepare('SELECT seq, kind, details FROM audit_log ORDER BY seq LIMIT 1')
      .get() as { seq: number; kind: string; details: string };
    db.close();
    expect(first).toMatchObject({ seq: 1, kind: 'data.deleted' });
    expect(JSON.parse(first.details)).toMatchObject({ previousHead: head });
    expect(
      (await fresh.bus.invoke('chat.list_conversations', {})).conversations.map((x) => x.id),
    ).not.toContain(c.id);
    expect(existsSync(join(dataDir, 'deleted.json'))).toBe(false);
    expect((await fresh.bus.invoke('trust.get_onboarding', {})).current).toBe('welcome');
  });
});
