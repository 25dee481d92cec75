// Breach 8 of issue 10: changes without the gate, or before their audit row. Every state change
// commits together with its audit row or not at all; remote configuration is gated, and a new
// base URL drops the stored key. Through a real host and a real SQLite file.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../host/index.ts';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

function setup(answer: 'allow' | 'deny' = 'allow') {
  const dataDir = mkdtempSync(join(tmpdir(), 'aether-atomic-'));
  const host = createHost({ mode: 'headless', dataDir, threads: 1 });
  hosts.push(host);
  const asked: string[] = [];
  host.bus.on('policy.approval_pending', (e) => {
    asked.push(e.payload.approval.capability);
    void host.bus.invoke('policy.respond_approval', {
      ticketId: e.payload.approval.ticketId,
      requestHash: e.payload.approval.requestHash,
      answer,
    });
  });
  return { host, dataDir, asked };
}

/** From another connection, as a full disk would: every insert into the audit log fails. */
function breakAuditStore(dataDir: string) {
  const db = new Database(join(dataDir, 'aether.db'));
  db.exec(
    `CREATE TRIGGER audit_full BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`,
  );
  db.close();
}

describe('breach 8: a change commits with its audit row, or not at all', () => {
  it('memory.edit and memory.forget change nothing when their row cannot be written', async () => {
    const { host, dataDir } = setup();
    const { itemId } = await host.bus.invoke('memory.ingest_turn', {
      turnId: 't1',
      conversationId: 'c',
      speaker: 'user',
      text: 'my bike is blue',
      at: Date.now(),
    });
    breakAuditStore(dataDir);
    await expect(
      host.bus.invoke('memory.edit', { id: itemId!, content: 'my bike is red' }),
    ).rejects.toMatchObject({ code: 'AuditUnavailable' });
    await expect(host.bus.invoke('memory.forget', { id: itemId! })).rejects.toMatchObject({
      code: 'AuditUnavailable',
    });
    expect((await host.bus.invoke('memory.why', { id: itemId! })).item).toMatchObject({
      content: 'my bike is blue',
      status: 'active',
    });
  });

  it.each([
    ['chat.delete_conversation', 'chat.conversation_deleted'],
    ['memory.reject', 'memory.rejected'],
    ['memory.set_settings', 'memory.settings_changed'],
    ['models.set_small', 'models.default_changed'],
  ] as const)('%s leaves an audit row under its change id', async (name, kind) => {
    const { host } = setup();
    const c = await host.bus.invoke('chat.create_conversation', {});
    const { itemId } = await host.bus.invoke('memory.ingest_turn', {
      turnId: 't1',
      conversationId: c.id,
      speaker: 'user',
      text: 'hello',
      at: Date.now(),
    });
    const input = {
      'chat.delete_conversation': { id: c.id },
      'memory.reject': { id: itemId! },
      'memory.set_settings': { modelExtraction: false },
      'models.set_small': { id: null },
    }[name];
    await host.bus.invoke(name, input as never, { changeId: 'the-change', origin: 'renderer' });
    const { rows } = await host.bus.invoke('policy.list_audit', { limit: 50 });
    expect(rows.find((r) => r.changeId === 'the-change')).toMatchObject({ kind, actor: 'user' });
  });
});

describe('breach 8: remote configuration passes the gate', () => {
  it('router.set_remote asks first; refused, nothing changes', async () => {
    const { host, asked } = setup('deny');
    await expect(
      host.bus.invoke('router.set_remote', {
        baseUrl: 'http://127.0.0.1:9/v1',
        model: 'm',
        apiKey: 'sk-secret',
        enabled: true,
      }),
    ).rejects.toMatchObject({ code: 'PolicyDenied' });
    expect(asked).toEqual(['router.configure']);
    expect(await host.bus.invoke('router.get_remote', {})).toMatchObject({
      baseUrl: null,
      keyFingerprint: null,
    });
  });

  it('a new base URL drops the stored key, and the key never shows in the approval', async () => {
    const { host } = setup();
    const previews: Array<string | null> = [];
    host.bus.on('policy.approval_pending', (e) => previews.push(e.payload.approval.preview));
    await host.bus.invoke('router.set_remote', {
      baseUrl: 'https://api.example.test/v1',
      model: 'm',
      apiKey: 'sk-secret',
      enabled: true,
    });
    expect((await host.bus.invoke('router.get_remote', {})).keyFingerprint).not.toBeNull();
    await host.bus.invoke('router.set_remote', {
      baseUrl: 'https://attacker.example.test/v1',
      model: 'm',
      enabled: true,
    });
    expect(await host.bus.invoke('router.get_remote', {})).toMatchObject({
      baseUrl: 'https://attacker.example.test/v1',
      keyFingerprint: null,
    });
    expect(previews.join('\n')).not.toContain('sk-secret');
    expect(previews.at(-1)).toContain('dropped');
  });
});
