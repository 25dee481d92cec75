// Breach 1 of issue 10: what is checked is what is used. A folder swapped for a symlink while an
// approval waits, and hard links to protected files, through a real host and real files.
import fc from 'fast-check';
import { linkSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Host } from '../host/index.ts';
import { hostInTemp } from '../host/testing.ts';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

function setup() {
  const made = hostInTemp(hosts, {
    prefix: 'aether-swap-',
    files: { 'notes/audit-hmac.json': 'a decoy', 'notes/todo.md': 'buy milk' },
  });
  return { ...made, keyFile: join(made.dataDir, 'keys', 'audit-hmac.json') };
}

/** Swaps workspace/notes for a symlink to the keys folder while the approval waits, then allows. */
function swapThenAllow(host: Host, workspace: string, dataDir: string) {
  const s = host.bus.on('policy.approval_pending', (e) => {
    s.dispose();
    renameSync(join(workspace, 'notes'), join(workspace, 'notes-old'));
    symlinkSync(join(dataDir, 'keys'), join(workspace, 'notes'));
    void host.bus.invoke('policy.respond_approval', {
      ticketId: e.payload.approval.ticketId,
      requestHash: e.payload.approval.requestHash,
      answer: 'allow',
    });
  });
}

const act = (
  host: Host,
  capability: 'files.read' | 'files.write' | 'files.delete' | 'files.list',
  target: string,
  input?: string,
) => host.bus.invoke('policy.perform', { capability, target, input, actor: 'user', why: 'test' });

describe('breach 1: the executor acts on the object that was checked', () => {
  it('a read approved for a workspace file does not read the key after a symlink swap', async () => {
    const { host, workspace, dataDir } = setup();
    swapThenAllow(host, workspace, dataDir);
    const out = await act(host, 'files.read', 'notes/audit-hmac.json');
    expect(out.status).toBe('failed');
    expect(out.error?.code).toBe('PolicyDenied');
    expect(JSON.stringify(out)).not.toContain('"current"');
  });

  it('a write approved for a workspace file does not overwrite the key after a symlink swap', async () => {
    const { host, workspace, dataDir, keyFile } = setup();
    const before = readFileSync(keyFile, 'utf8');
    swapThenAllow(host, workspace, dataDir);
    const out = await act(host, 'files.write', 'notes/audit-hmac.json', 'pwned');
    expect(out.status).toBe('failed');
    expect(readFileSync(keyFile, 'utf8')).toBe(before);
  });

  it('a delete or a listing after a swap touches nothing of the keys', async () => {
    const { host, workspace, dataDir, keyFile } = setup();
    swapThenAllow(host, workspace, dataDir);
    expect((await act(host, 'files.delete', 'notes/audit-hmac.json')).status).toBe('failed');
    expect(readFileSync(keyFile, 'utf8')).toContain('current');
  });

  it('a hard link to a protected file is a protected file', async () => {
    const { host, workspace, keyFile } = setup();
    host.storage.settings.set('policy.preset', { name: 'power-user' });
    linkSync(keyFile, join(workspace, 'innocent.json'));
    expect(await act(host, 'files.read', 'innocent.json')).toMatchObject({
      status: 'denied',
      reason: 'hard-block',
    });
    expect(await act(host, 'files.write', 'innocent.json', 'x')).toMatchObject({
      status: 'denied',
      reason: 'hard-block',
    });
    expect(
      await host.bus.invoke('policy.perform', {
        capability: 'process.exec',
        target: 'cat innocent.json',
        actor: 'user',
        why: 't',
      }),
    ).toMatchObject({ status: 'denied', reason: 'hard-block' });
  });

  it('for random interleavings of swaps and approvals, what runs is what was approved', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('files.read' as const, 'files.write' as const, 'files.list' as const),
        fc.constantFrom('before', 'during', 'none'),
        fc.constantFrom('folder', 'file'),
        async (capability, when, what) => {
          const { host, workspace, dataDir, keyFile } = setup();
          const before = readFileSync(keyFile, 'utf8');
          const swap = () => {
            if (what === 'folder') {
              renameSync(join(workspace, 'notes'), join(workspace, 'notes-old'));
              symlinkSync(join(dataDir, 'keys'), join(workspace, 'notes'));
            } else {
              renameSync(
                join(workspace, 'notes', 'audit-hmac.json'),
                join(workspace, 'notes', 'old.json'),
              );
              symlinkSync(keyFile, join(workspace, 'notes', 'audit-hmac.json'));
            }
          };
          if (when === 'before') swap();
          const s = host.bus.on('policy.approval_pending', (e) => {
            s.dispose();
            if (when === 'during') swap();
            void host.bus.invoke('policy.respond_approval', {
              ticketId: e.payload.approval.ticketId,
              requestHash: e.payload.approval.requestHash,
              answer: 'allow',
            });
          });
          const target = capability === 'files.list' ? 'notes' : 'notes/audit-hmac.json';
          const out = await act(host, capability, target, 'pwned');
          expect(readFileSync(keyFile, 'utf8')).toBe(before);
          const shown = JSON.stringify(out.result ?? '');
          expect(shown).not.toContain('"current"');
          if (capability === 'files.list') expect(shown).not.toContain('audit-signing');
          await host.dispose();
        },
      ),
      { numRuns: 30 },
    );
  });
});
