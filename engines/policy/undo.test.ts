// Undo through a real host and real files: an overwritten file gets its previous content back,
// a deleted one comes back from Aether's trash; each undo is an approved, audited action, and
// says when it can no longer be done (already undone, the file changed, something else there).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Host } from '../host/index.ts';
import { approveEverything, hostInTemp } from '../host/testing.ts';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

function setup() {
  const made = hostInTemp(hosts, {
    prefix: 'aether-undo-',
    files: { 'notes/todo.md': 'buy milk' },
  });
  approveEverything(made.host);
  const act = (capability: 'files.write' | 'files.delete', target: string, input?: string) =>
    made.host.bus.invoke('policy.perform', {
      capability,
      target,
      input,
      actor: 'user',
      why: 'test',
    });
  const undo = (auditSeq: number) =>
    made.host.bus.invoke('policy.undo', { auditSeq }, { origin: 'renderer' });
  return { ...made, act, undo, file: join(made.workspace, 'notes', 'todo.md') };
}

describe('undo', () => {
  it('gives an overwritten file its previous content back, once', async () => {
    const { act, undo, file, host } = setup();
    const w = await act('files.write', 'notes/todo.md', 'buy bread');
    expect(readFileSync(file, 'utf8')).toBe('buy bread');
    const { entries } = await host.bus.invoke('trust.list_activity', {});
    expect(entries[0]).toMatchObject({ capability: 'files.write', undoSeq: w.auditSeq });
    const u = await undo(w.auditSeq!);
    expect(u).toMatchObject({ status: 'done', decision: 'allow' });
    expect(readFileSync(file, 'utf8')).toBe('buy milk');
    const again = await undo(w.auditSeq!);
    expect(again.status).toBe('failed');
    expect(again.error?.message).toMatch(/can no longer be undone: Aether's copy is gone/);
    const { rows } = await host.bus.invoke('policy.list_audit', { capability: 'files.restore' });
    expect(rows.filter((r) => r.kind === 'policy.outcome').map((r) => r.decision)).toEqual([
      'failed',
      'done',
    ]);
  });

  it('brings a deleted file back from the trash, unless something else is there now', async () => {
    const { act, undo, file } = setup();
    const d = await act('files.delete', 'notes/todo.md');
    expect(existsSync(file)).toBe(false);
    writeFileSync(file, 'a new file');
    expect((await undo(d.auditSeq!)).error?.message).toMatch(/something else is at .*todo\.md now/);
    const d2 = await act('files.delete', 'notes/todo.md');
    await undo(d.auditSeq!).then((o) => expect(o.status).toBe('done'));
    expect(readFileSync(file, 'utf8')).toBe('buy milk');
    expect(d2.status).toBe('done');
  });

  it('refuses when the file changed after Aether wrote it, or nothing was kept', async () => {
    const { act, undo, file } = setup();
    const w = await act('files.write', 'notes/todo.md', 'buy bread');
    writeFileSync(file, 'edited by hand');
    expect((await undo(w.auditSeq!)).error?.message).toMatch(/changed after Aether wrote it/);
    expect(readFileSync(file, 'utf8')).toBe('edited by hand');
    const fresh = await act('files.write', 'notes/new.md', 'hello');
    expect((await undo(fresh.auditSeq!)).error?.message).toMatch(
      /nothing was kept \(the file was new\)/,
    );
  });

  it('refuses a row that is not a file change, and leaves an audit row', async () => {
    const { undo, host } = setup();
    await expect(undo(1)).rejects.toMatchObject({ code: 'BadRequest' });
    const { rows } = await host.bus.invoke('policy.list_audit', { kind: 'files.restore_refused' });
    expect(rows).toHaveLength(1);
  });
});
