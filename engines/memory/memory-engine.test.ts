// Memory through the real host: real SQLite, the real policy gate, real restarts.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../host/index.ts';
import { nextEvent, say } from '../host/testing.ts';
import { retrieve } from './retrieve.ts';
import { MemoryStore } from './store.ts';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

function start(dataDir = mkdtempSync(join(tmpdir(), 'aether-memory-'))) {
  const host = createHost({ mode: 'headless', dataDir, threads: 1 });
  hosts.push(host);
  host.bus.on('policy.approval_pending', (e) => {
    void host.bus.invoke('policy.respond_approval', {
      ticketId: e.payload.approval.ticketId,
      requestHash: e.payload.approval.requestHash,
      answer: 'allow',
    });
  });
  return { host, dataDir };
}
async function remember(host: Host, conversationId: string, text: string) {
  const stored = nextEvent(host, 'memory.changed', (e) =>
    ['added', 'reinforced', 'contradiction'].includes(e.payload.reason),
  );
  await say(host, conversationId, text);
  return (await stored).payload;
}
const facts = async (host: Host) => (await host.bus.invoke('memory.list', { kind: 'fact' })).items;

describe('memory', () => {
  it('remembers an explicit fact across a restart, with provenance, and recalls it', async () => {
    const { host, dataDir } = start();
    const c = await host.bus.invoke('chat.create_conversation', {});
    await remember(host, c.id, 'remember that my sister is called Ada');
    const [fact] = await facts(host);
    expect(fact).toMatchObject({
      content: 'my sister is called Ada',
      privacy: 'personal',
      status: 'active',
    });
    const { rows } = await host.bus.invoke('policy.list_audit', { limit: 20 });
    expect(
      rows.find((r) => r.capability === 'memory.write_durable' && r.decision === 'allow'),
    ).toMatchObject({ reason: 'user-confirmed' });
    await host.dispose();

    const again = start(dataDir).host;
    const why = await again.bus.invoke('memory.why', { id: fact.id });
    expect(why.sources[0]).toMatchObject({
      userText: 'remember that my sister is called Ada',
      conversationId: c.id,
    });
    const c2 = await again.bus.invoke('chat.create_conversation', {});
    expect(
      (await say(again, c2.id, 'what do you remember about my sister?')).assistantText,
    ).toMatch(/my sister is called Ada/);
    const context = await again.bus.invoke('memory.context', {
      text: 'who is my sister?',
      deadlineMs: 200,
      budgetTokens: 300,
    });
    expect(context.hits[0]).toMatchObject({
      kind: 'fact',
      content: 'my sister is called Ada',
      privacy: 'personal',
    });
  });

  it('reinforces a duplicate and flags a contradiction instead of merging it away', async () => {
    const { host } = start();
    const c = await host.bus.invoke('chat.create_conversation', {});
    await remember(host, c.id, 'remember that my sister is called Ada');
    expect((await remember(host, c.id, 'Remember that my sister is called Ada.')).reason).toBe(
      'reinforced',
    );
    expect(await facts(host)).toHaveLength(1);
    expect((await facts(host))[0].salience).toBeGreaterThan(1.5);
    expect((await remember(host, c.id, 'remember that my sister is named Eve')).reason).toBe(
      'contradiction',
    );
    const [eve, ada] = await facts(host);
    expect(eve).toMatchObject({ content: 'my sister is named Eve', contradicts: ada.id });
  });

  it('holds preferences as proposals until the user confirms them', async () => {
    const { host } = start();
    const c = await host.bus.invoke('chat.create_conversation', {});
    const proposed = nextEvent(host, 'memory.changed', (e) => e.payload.reason === 'proposed');
    await say(host, c.id, 'I really like green tea');
    const { id } = (await proposed).payload;
    expect(
      (await host.bus.invoke('memory.query', { text: 'green tea' })).hits.some((h) => h.id === id),
    ).toBe(false);
    expect((await host.bus.invoke('memory.confirm', { id: id! })).item).toMatchObject({
      status: 'active',
      content: 'Likes green tea',
    });
    expect(
      (await host.bus.invoke('memory.query', { text: 'green tea' })).hits.some((h) => h.id === id),
    ).toBe(true);
  });

  it('forgets: gone from search at once, content purged after the grace period, audit row kept', async () => {
    const { host } = start();
    const c = await host.bus.invoke('chat.create_conversation', {});
    await remember(host, c.id, 'remember that my locker code is blue');
    const [fact] = await facts(host);
    expect(await host.bus.invoke('memory.forget', { id: fact.id })).toEqual({ forgotten: true });
    expect(
      (await host.bus.invoke('memory.query', { text: 'locker code' })).hits.filter(
        (h) => h.kind === 'fact',
      ),
    ).toEqual([]);
    const db = host.storage.db;
    const { consolidate } = await import('./consolidate.ts');
    consolidate(db, Date.now() + 8 * 86_400_000, 7 * 86_400_000);
    expect(
      db.prepare('SELECT content, status FROM memory_items WHERE id = ?').get(fact.id),
    ).toEqual({ content: '', status: 'forgotten' });
    // The words that taught it went with it.
    expect(
      db.prepare("SELECT count(*) AS n FROM memory_fts WHERE memory_fts MATCH 'locker'").get(),
    ).toEqual({ n: 0 });
    const { rows } = await host.bus.invoke('policy.list_audit', { limit: 50 });
    expect(rows.some((r) => r.kind === 'memory.forgotten' && r.resource === fact.id)).toBe(true);
    await say(host, c.id, 'the locker room was cold');
    expect(await host.bus.invoke('memory.forget_about', { text: 'locker' })).toEqual({
      forgotten: 1,
    });
    expect((await host.bus.invoke('memory.query', { text: 'locker' })).hits).toEqual([]);
  });

  it('expires memories past their retention', async () => {
    const { host } = start();
    const c = await host.bus.invoke('chat.create_conversation', {});
    await say(host, c.id, 'the old bridge was painted red');
    const { consolidate } = await import('./consolidate.ts');
    const report = consolidate(host.storage.db, Date.now() + 366 * 86_400_000, 7 * 86_400_000);
    expect(report.expired).toBeGreaterThanOrEqual(1);
    expect((await host.bus.invoke('memory.query', { text: 'bridge painted' })).hits).toEqual([]);
  });

  it('keeps secrets out of prompts, labels every hit with its privacy class, and answers partially by a deadline', async () => {
    const { host } = start();
    const c = await host.bus.invoke('chat.create_conversation', {});
    await remember(host, c.id, 'remember that my bank PIN is 4321');
    const ui = await host.bus.invoke('memory.query', { text: 'bank PIN' });
    expect(
      ui.hits.every((h) => ['public', 'personal', 'sensitive', 'secret'].includes(h.privacy)),
    ).toBe(true);
    expect(ui.hits.some((h) => h.privacy === 'secret')).toBe(true);
    const ctx = await host.bus.invoke('memory.context', {
      text: 'what is my bank PIN',
      deadlineMs: 200,
      budgetTokens: 500,
    });
    expect(ctx.hits.some((h) => h.content.includes('4321'))).toBe(false);
    // A deadline already past: what the query has by then (nothing) comes back, marked partial.
    const late = retrieve(new MemoryStore(host.storage.db), 'bank PIN', {
      k: 5,
      deadlineMs: 0,
      now: Date.now(),
    });
    expect(late).toEqual({ hits: [], partial: true });
  });

  it('exports everything as JSON through the gate', async () => {
    const { host } = start();
    const c = await host.bus.invoke('chat.create_conversation', {});
    await remember(host, c.id, 'remember that my sister is called Ada');
    const r = await host.bus.invoke('memory.export', {});
    expect(r.status).toBe('done');
    const data = JSON.parse(readFileSync(r.path!, 'utf8'));
    expect(
      data.items.some(
        (i: { content: string; provenance: unknown[] }) =>
          i.content === 'my sister is called Ada' && i.provenance.length === 1,
      ),
    ).toBe(true);
    expect(existsSync(r.path!)).toBe(true);
  });

  it('keeping "ask" holds even an explicit fact as a draft; keeping "off" keeps nothing and recalls nothing', async () => {
    const { host } = start();
    const c = await host.bus.invoke('chat.create_conversation', {});
    await host.bus.invoke('memory.set_settings', { keeping: 'ask' }, { origin: 'renderer' });
    const proposed = nextEvent(host, 'memory.changed', (e) => e.payload.reason === 'proposed');
    await say(host, c.id, 'remember that my sister is called Ada');
    await proposed;
    expect((await facts(host)).map((f) => f.status)).toEqual(['proposed']);
    await host.bus.invoke('memory.set_settings', { keeping: 'off' }, { origin: 'renderer' });
    const turns = (await host.bus.invoke('memory.list', { kind: 'turn' })).items.length;
    await say(host, c.id, 'remember that my brother is called Bo');
    expect((await host.bus.invoke('memory.list', { kind: 'turn' })).items).toHaveLength(turns);
    expect(await facts(host)).toHaveLength(1);
    const recalled = await host.bus.invoke('memory.context', {
      text: 'sister Ada',
      budgetTokens: 500,
      deadlineMs: 500,
    });
    expect(recalled.hits).toEqual([]);
  });
});
