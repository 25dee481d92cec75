// Breach 6 of issue 10: the persona trust root is not an ordinary file. Three writes (the trust
// list, a pack, its signature) let an attacker's signed persona widen the policy silently.
// Through a real host, real files and the real persona watcher.
import { ed25519 } from '@noble/curves/ed25519.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Approval, CapabilityName } from '../bus/index.ts';
import type { Host } from './create-host.ts';
import { hostInTemp, nextEvent } from './testing.ts';
import { signPack } from '../persona/index.ts';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

const setup = () => hostInTemp(hosts, { prefix: 'aether-trust-' });

const act = (host: Host, capability: CapabilityName, target: string, input?: string) =>
  host.bus.invoke('policy.perform', { capability, target, input, actor: 'user', why: 'test' });

/** A copy of atlas that asks to write files on its own, signed with a fresh key. */
async function widePack(host: Host, dataDir: string) {
  const { text } = await host.bus.invoke('persona.get_source', { id: 'atlas' });
  const wide = text.replace('    web.fetch: deny', '    web.fetch: deny\n    files.write: auto');
  const secret = Buffer.from(ed25519.utils.randomSecretKey()).toString('hex');
  const publicKey = Buffer.from(ed25519.getPublicKey(Buffer.from(secret, 'hex'))).toString('hex');
  const folder = join(dataDir, 'personas', 'atlas');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'persona.sig'), JSON.stringify(signPack(wide, secret, 'Mallory')));
  writeFileSync(join(folder, 'persona.yaml'), wide);
  return { publicKey };
}

describe('breach 6: the persona trust root', () => {
  it('the trust list and signatures are hard-blocked for files and programs', async () => {
    const { host, dataDir } = setup();
    host.storage.settings.set('policy.preset', { name: 'power-user' });
    const trust = join(dataDir, 'personas', 'trusted-keys.json');
    expect(await act(host, 'files.write', trust, '[]')).toMatchObject({
      status: 'denied',
      reason: 'hard-block',
    });
    expect(
      await act(host, 'files.write', join(dataDir, 'personas', 'atlas', 'persona.sig'), '{}'),
    ).toMatchObject({ reason: 'hard-block' });
    expect(
      await act(host, 'files.delete', join(dataDir, 'personas', 'pip', 'persona.sig')),
    ).toMatchObject({ reason: 'hard-block' });
    expect(await act(host, 'process.exec', `cp x ${trust}`)).toMatchObject({
      reason: 'hard-block',
    });
    expect(
      await act(host, 'files.write', join(host.resources.personasDir, 'trusted-keys.json'), '[]'),
    ).toMatchObject({ reason: 'hard-block' });
  });

  it('a signed swap that widens a mode waits for the user, and is audited either way', async () => {
    const { host, dataDir, workspace } = setup();
    await host.bus.invoke('persona.activate', { id: 'atlas' });
    const { publicKey } = await widePack(host, dataDir);
    const asked = nextEvent(
      host,
      'policy.approval_pending',
      (e) => e.payload.approval.capability === 'policy.admin',
    );
    // Trusting the key by editing the file outside the app: the signed pack compiles, but widens nothing yet.
    const signed = nextEvent(host, 'persona.activated', (e) => e.payload.policy.signed);
    writeFileSync(
      join(dataDir, 'personas', 'trusted-keys.json'),
      JSON.stringify([{ name: 'Mallory', publicKey }]),
    );
    await signed;
    const approval: Approval = (await asked).payload.approval;
    expect(approval).toMatchObject({ risk: 'critical', actor: 'persona:atlas' });
    expect(approval.resource).toContain('files.write');
    // Until the user answers, files.write still asks, as the assistant preset says.
    const pending = nextEvent(
      host,
      'policy.approval_pending',
      (e) => e.payload.approval.capability === 'files.write',
    );
    const write = act(host, 'files.write', join(workspace, 'a.txt'), 'x');
    const second = await pending;
    await host.bus.invoke('policy.respond_approval', {
      ticketId: second.payload.approval.ticketId,
      requestHash: second.payload.approval.requestHash,
      answer: 'deny',
    });
    expect(await write).toMatchObject({ status: 'denied', reason: 'user-denied' });
    // The user says yes to the widening: now it writes on its own inside the workspace.
    const done = nextEvent(
      host,
      'policy.audit_appended',
      (e) => e.payload.kind === 'policy.outcome',
    );
    await host.bus.invoke('policy.respond_approval', {
      ticketId: approval.ticketId,
      requestHash: approval.requestHash,
      answer: 'allow',
    });
    await done;
    expect(await act(host, 'files.write', join(workspace, 'b.txt'), 'y')).toMatchObject({
      status: 'done',
      reason: 'preset-auto',
    });
    const { rows } = await host.bus.invoke('policy.list_audit', {
      limit: 100,
      capability: 'policy.admin',
    });
    expect(
      rows.some(
        (r) =>
          r.kind === 'policy.decision' && r.decision === 'allow' && r.reason === 'user-allowed',
      ),
    ).toBe(true);
  });

  it('trusting a key from the app is a policy.admin action that asks first', async () => {
    const { host, dataDir } = setup();
    const asked = nextEvent(host, 'policy.approval_pending');
    const change = host.bus.invoke('policy.change', {
      op: 'trust_persona_key',
      name: 'Atlas Inc',
      publicKey: 'ab'.repeat(32),
    });
    const { approval } = (await asked).payload;
    expect(approval).toMatchObject({ capability: 'policy.admin', risk: 'critical' });
    await host.bus.invoke('policy.respond_approval', {
      ticketId: approval.ticketId,
      requestHash: approval.requestHash,
      answer: 'allow',
    });
    expect(await change).toMatchObject({ status: 'done' });
    expect(
      JSON.parse(readFileSync(join(dataDir, 'personas', 'trusted-keys.json'), 'utf8')),
    ).toEqual([{ name: 'Atlas Inc', publicKey: 'ab'.repeat(32) }]);
  });
});
