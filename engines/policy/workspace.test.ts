// Moving the workspace folder through a real host: an approved policy.change moves where
// automatic file actions and programs run, now and at the next start; a folder that cannot be
// the workspace is refused before any card asks, and the refusal is on record.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../host/index.ts';
import { approveEverything, hostInTemp } from '../host/testing.ts';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

function setup() {
  const made = hostInTemp(hosts, { prefix: 'aether-ws-', preset: 'operator' });
  const other = join(made.top, 'other');
  mkdirSync(other);
  writeFileSync(join(other, 'plan.md'), 'ship it');
  const read = (target: string) =>
    made.host.bus.invoke('policy.perform', {
      capability: 'files.read',
      target,
      actor: 'user',
      why: 'test',
    });
  const move = (path: string) =>
    made.host.bus.invoke('policy.change', { op: 'set_workspace', path });
  return { ...made, other, read, move };
}

describe('moving the workspace folder', () => {
  it('moves automatic file actions and programs there once a person says yes', async () => {
    const { host, other, read, move } = setup();
    approveEverything(host);
    expect(await read(join(other, 'plan.md'))).toMatchObject({ reason: 'user-allowed' });
    expect(await move(other)).toMatchObject({ status: 'done' });
    expect((await host.bus.invoke('policy.get_state', {})).workspace).toBe(other);
    // A relative path now means the new folder, and reading there needs no question.
    expect(await read('plan.md')).toMatchObject({
      status: 'done',
      reason: 'preset-auto',
    });
    const pwd = await host.bus.invoke('policy.perform', {
      capability: 'process.exec',
      target: 'pwd',
      actor: 'user',
      why: 'test',
    });
    expect(JSON.stringify(pwd.result)).toContain(other);
  });

  it('keeps the chosen folder for the next start unless one is given then', async () => {
    const { host, dataDir, workspace, other, move } = setup();
    approveEverything(host);
    await move(other);
    const restart = async (given?: string) => {
      await hosts.pop()!.dispose();
      const again = createHost({ mode: 'headless', dataDir, workspace: given, threads: 1 });
      hosts.push(again);
      return (await again.bus.invoke('policy.get_state', {})).workspace;
    };
    expect(await restart()).toBe(other);
    expect(await restart(workspace)).toBe(workspace);
  });

  it('refuses a folder that cannot be the workspace, on record and without asking', async () => {
    const { host, top, workspace, dataDir, move } = setup();
    writeFileSync(join(top, 'a-file'), 'x');
    let asked = 0;
    host.bus.on('policy.approval_pending', () => asked++);
    const bad = ['notes', join(top, 'missing'), join(top, 'a-file'), '/', join(dataDir, 'db')];
    mkdirSync(join(dataDir, 'db'), { recursive: true });
    for (const path of bad) await expect(move(path)).rejects.toMatchObject({ code: 'BadRequest' });
    expect(asked).toBe(0);
    expect((await host.bus.invoke('policy.get_state', {})).workspace).toBe(workspace);
    const { rows } = await host.bus.invoke('policy.list_audit', { kind: 'policy.change_refused' });
    expect(rows.map((r) => r.resource)).toEqual([...bad].reverse());
  });

  it('stays where it is when the person says no', async () => {
    const { host, workspace, other, move } = setup();
    host.bus.on('policy.approval_pending', ({ payload: { approval } }) => {
      void host.bus.invoke('policy.respond_approval', {
        ticketId: approval.ticketId,
        requestHash: approval.requestHash,
        answer: 'deny',
      });
    });
    expect(await move(other)).toMatchObject({ status: 'denied' });
    expect((await host.bus.invoke('policy.get_state', {})).workspace).toBe(workspace);
  });
});
