// The gate through the real host: a real SQLite file, real executors on a temp workspace, the
// real ledger. Approvals are answered the way the renderer answers them, through the bus.
import Database from 'better-sqlite3';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionOutcome, Approval, Envelope } from '../bus/index.ts';
import { createHost, type Host } from '../host/index.ts';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

function setup() {
  const top = realpathSync(mkdtempSync(join(tmpdir(), 'aether-policy-')));
  const workspace = join(top, 'ws');
  mkdirSync(join(workspace, 'notes'), { recursive: true });
  writeFileSync(join(workspace, 'notes', 'todo.md'), 'buy milk');
  const dataDir = join(top, 'data');
  const host = createHost({ mode: 'headless', dataDir, workspace, threads: 1 });
  hosts.push(host);
  const events: Envelope[] = [];
  host.bus.subscribe((e) => events.push(e));
  return { host, workspace, dataDir, events };
}

/** Answers the next approval with `answer`, as the renderer would. */
function answerNext(
  host: Host,
  answer: 'allow' | 'deny' | 'draft',
  extra: {
    scopeOption?: string;
    duration?: 'once' | 'task' | 'session' | 'hour' | 'day' | 'always';
    uses?: number;
  } = {},
) {
  return new Promise<Approval>((resolve) => {
    const sub = host.bus.on('policy.approval_pending', async (e) => {
      sub.dispose();
      const { approval } = e.payload;
      await host.bus.invoke(
        'policy.respond_approval',
        { ticketId: approval.ticketId, requestHash: approval.requestHash, answer, ...extra },
        { origin: 'renderer' },
      );
      resolve(approval);
    });
  });
}

const read = (host: Host, target: string): Promise<ActionOutcome> =>
  host.bus.invoke('policy.perform', {
    capability: 'files.read',
    target,
    actor: 'user',
    why: 'slash command',
  });

describe('policy.perform', () => {
  it('asks, runs once when allowed once, and asks again next time', async () => {
    const { host } = setup();
    const asked = answerNext(host, 'allow');
    const first = await read(host, 'notes/todo.md');
    expect(first).toMatchObject({
      status: 'done',
      decision: 'allow',
      reason: 'user-allowed',
      result: { output: 'buy milk' },
    });
    expect((await asked).risk).toBe('medium');
    const again = answerNext(host, 'deny');
    expect(await read(host, 'notes/todo.md')).toMatchObject({
      status: 'denied',
      reason: 'user-denied',
    });
    await again;
  });

  it('remembers "always, for this folder" and stops asking for anything inside it', async () => {
    const { host, workspace, events } = setup();
    const asked = answerNext(host, 'allow', { scopeOption: 'folder', duration: 'always' });
    await read(host, 'notes/todo.md');
    await asked;
    writeFileSync(join(workspace, 'notes', 'other.md'), 'x');
    const before = events.filter((e) => e.name === 'policy.approval_pending').length;
    expect(await read(host, 'notes/other.md')).toMatchObject({
      status: 'done',
      reason: 'grant-allow',
    });
    expect(events.filter((e) => e.name === 'policy.approval_pending').length).toBe(before);
    const { grants } = await host.bus.invoke('policy.list_grants', {});
    expect(grants).toEqual([
      expect.objectContaining({
        capability: 'files.read',
        scope: join(workspace, 'notes'),
        duration: 'persistent',
      }),
    ]);
  });

  it('refuses forged, replayed and mismatched answers, and audits each refusal', async () => {
    const { host } = setup();
    const pending = new Promise<Approval>((resolve) => {
      const s = host.bus.on('policy.approval_pending', (e) => {
        s.dispose();
        resolve(e.payload.approval);
      });
    });
    const result = read(host, 'notes/todo.md');
    const approval = await pending;
    const forged = await host.bus.invoke('policy.respond_approval', {
      ticketId: 'f'.repeat(32),
      requestHash: approval.requestHash,
      answer: 'allow',
    });
    const mismatched = await host.bus.invoke('policy.respond_approval', {
      ticketId: approval.ticketId,
      requestHash: '0'.repeat(64),
      answer: 'allow',
    });
    expect(forged.accepted).toBe(false);
    expect(mismatched.accepted).toBe(false);
    expect(
      (
        await host.bus.invoke('policy.respond_approval', {
          ticketId: approval.ticketId,
          requestHash: approval.requestHash,
          answer: 'deny',
        })
      ).accepted,
    ).toBe(true);
    const replayed = await host.bus.invoke('policy.respond_approval', {
      ticketId: approval.ticketId,
      requestHash: approval.requestHash,
      answer: 'allow',
    });
    expect(replayed.accepted).toBe(false);
    expect((await result).status).toBe('denied');
    const { rows } = await host.bus.invoke('policy.list_audit', { limit: 50 });
    expect(rows.filter((r) => r.kind === 'policy.approval_refused')).toHaveLength(3);
  });

  it('binds an approval to the exact request: a write of other text is a new question', async () => {
    const { host, workspace } = setup();
    const asked = answerNext(host, 'allow', { duration: 'once' });
    const write = (input: string) =>
      host.bus.invoke('policy.perform', {
        capability: 'files.write',
        target: 'notes/new.md',
        input,
        actor: 'user',
        why: 't',
      });
    expect((await write('hello')).status).toBe('done');
    const first = await asked;
    const second = answerNext(host, 'deny');
    await write('something else');
    expect((await second).requestHash).not.toBe(first.requestHash);
    expect(readFileSync(join(workspace, 'notes', 'new.md'), 'utf8')).toBe('hello');
  });

  it('denies hard-blocked paths without asking, and leaves an audit row', async () => {
    const { host, dataDir } = setup();
    const outcome = await read(host, join(dataDir, 'keys', 'audit-hmac.json'));
    expect(outcome).toMatchObject({ status: 'denied', reason: 'hard-block' });
    expect(outcome.explanation).toMatch(/never touches/);
    const row = (await host.bus.invoke('policy.list_audit', { limit: 1 })).rows[0];
    expect(row).toMatchObject({ kind: 'policy.decision', decision: 'deny', reason: 'hard-block' });
    expect((await host.bus.invoke('policy.explain', { seq: row.seq })).text).toMatch(
      /^Refused: read a file/,
    );
  });

  it('turns bad input into a typed failure with an audit row, never a crash', async () => {
    const { host } = setup();
    const outcome = await host.bus.invoke('policy.perform', {
      capability: 'process.exec',
      target: 'echo "unclosed',
      actor: 'user',
      why: 't',
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: 'bad-request',
      error: { code: 'BadRequest' },
    });
    expect((await host.bus.invoke('policy.list_audit', { limit: 1 })).rows[0].kind).toBe(
      'policy.rejected',
    );
    // An unknown capability is refused at the bus door (the contract's enum), and still leaves a row.
    await expect(
      host.bus.invoke(
        'policy.perform',
        { capability: 'files.teleport' as never, target: 'x', actor: 'user', why: 't' },
        { changeId: 'teleport' },
      ),
    ).rejects.toMatchObject({ code: 'BadRequest' });
    expect(
      (await host.bus.invoke('policy.list_audit', { limit: 5 })).rows.find(
        (r) => r.changeId === 'teleport',
      ),
    ).toMatchObject({ kind: 'policy.rejected', decision: 'deny' });
  });

  it('moves deleted files to the trash, and runs programs without a shell', async () => {
    const { host, workspace, dataDir } = setup();
    void answerNext(host, 'allow');
    expect(
      await host.bus.invoke('policy.perform', {
        capability: 'files.delete',
        target: 'notes/todo.md',
        actor: 'user',
        why: 't',
      }),
    ).toMatchObject({ status: 'done' });
    expect(existsSync(join(workspace, 'notes', 'todo.md'))).toBe(false);
    expect(readdirSync(join(dataDir, 'trash')).some((f) => f.endsWith('todo.md'))).toBe(true);
    void answerNext(host, 'allow');
    const run = await host.bus.invoke('policy.perform', {
      capability: 'process.exec',
      target: 'echo hello $HOME',
      actor: 'user',
      why: 't',
    });
    // `$HOME` is shell syntax: it was a critical question, and echo printed it literally.
    expect(run).toMatchObject({ status: 'done', result: { output: 'hello $HOME\n' } });
  });

  it('emergency revoke removes every grant and cancels what is waiting or running', async () => {
    const { host } = setup();
    void answerNext(host, 'allow', { duration: 'always' });
    await read(host, 'notes/todo.md');
    const waiting = read(host, 'notes/todo.md'); // covered by the grant: allowed
    await waiting;
    const asked = new Promise<void>((r) => {
      const s = host.bus.on('policy.approval_pending', () => {
        s.dispose();
        r();
      });
    });
    const pendingWrite = host.bus.invoke('policy.perform', {
      capability: 'files.write',
      target: 'x.md',
      input: 'x',
      actor: 'user',
      why: 't',
    });
    await asked;
    const result = await host.bus.invoke('policy.revoke_all', {});
    expect(result.revoked).toBe(1);
    expect(result.cancelled).toBe(1);
    expect(await pendingWrite).toMatchObject({ status: 'denied', reason: 'approval-cancelled' });
    expect((await host.bus.invoke('policy.list_grants', {})).grants).toEqual([]);
  });

  it('refuses every side effect once the audit log is found tampered, and says why', async () => {
    const { host, dataDir } = setup();
    void answerNext(host, 'allow', { duration: 'always' });
    await read(host, 'notes/todo.md');
    const db = new Database(join(dataDir, 'aether.db'));
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET decision = 'deny' WHERE seq = 1").run();
    db.close();
    const verdict = await host.bus.invoke('policy.verify_audit', {});
    expect(verdict).toMatchObject({ ok: false, kind: 'hash-mismatch', seq: 1 });
    const outcome = await read(host, 'notes/todo.md');
    expect(outcome).toMatchObject({ status: 'denied', reason: 'audit-unavailable' });
    expect((await host.bus.invoke('policy.get_state', {})).auditHealthy).toBe(false);
    expect(host.health().engines.policy.state).toBe('error');
  });

  it('changes the preset only after a person says yes, every time', async () => {
    const { host, workspace } = setup();
    const asked = answerNext(host, 'allow', { duration: 'always' });
    expect(
      await host.bus.invoke('policy.change', { op: 'set_preset', preset: 'power-user' }),
    ).toMatchObject({ status: 'done' });
    expect((await asked).risk).toBe('critical');
    expect((await host.bus.invoke('policy.get_state', {})).preset).toBe('power-user');
    // Power users' high-risk actions inside the workspace run without a question.
    expect(
      await host.bus.invoke('policy.perform', {
        capability: 'files.write',
        target: 'auto.md',
        input: 'x',
        actor: 'user',
        why: 't',
      }),
    ).toMatchObject({ status: 'done', reason: 'preset-auto' });
    expect(readFileSync(join(workspace, 'auto.md'), 'utf8')).toBe('x');
    // "Always" does not make the next admin change automatic.
    const again = answerNext(host, 'deny');
    expect(
      await host.bus.invoke('policy.change', { op: 'set_preset', preset: 'observer' }),
    ).toMatchObject({ status: 'denied' });
    await again;
    expect((await host.bus.invoke('policy.get_state', {})).preset).toBe('power-user');
  });

  it('reserves spend against caps, warns, trips, and needs an approved re-arm', async () => {
    const { host, events } = setup();
    void answerNext(host, 'allow');
    await host.bus.invoke('policy.change', {
      op: 'set_cost_caps',
      provider: 'openai',
      dailyCents: 100,
      monthlyCents: null,
      dailyTokens: null,
      monthlyTokens: null,
    });
    expect(
      await host.bus.invoke('policy.reserve_cost', { provider: 'openai', cents: 60, tokens: 0 }),
    ).toMatchObject({ ok: true });
    expect(events.some((e) => e.name === 'policy.cost_warning')).toBe(true);
    expect(
      await host.bus.invoke('policy.reserve_cost', { provider: 'openai', cents: 60, tokens: 0 }),
    ).toMatchObject({ ok: false });
    const payload = {
      turnId: 't',
      messages: [{ role: 'user' as const, text: 'hi' }],
      maxTokens: 8,
      temperature: 0,
    };
    const remote = await host.bus.invoke('policy.perform', {
      capability: 'router.remote',
      target: 'openai/gpt',
      input: payload,
      actor: 'router',
      why: 't',
    });
    expect(remote).toMatchObject({ status: 'denied', reason: 'cost-cap' });
    void answerNext(host, 'allow');
    await host.bus.invoke('policy.change', { op: 'rearm_cost_cap', provider: 'openai' });
    expect(
      (await host.bus.invoke('policy.get_costs', { provider: 'openai' })).caps?.trippedAt,
    ).toBeNull();
    const { rows } = await host.bus.invoke('policy.list_audit', { limit: 100 });
    expect(rows.some((r) => r.kind === 'cost.cap_hit')).toBe(true);
    expect(
      rows.some(
        (r) => r.kind === 'policy.outcome' && r.resource === 'rearm_cost_cap provider=openai',
      ),
    ).toBe(true);
  });

  it('rotates the audit key; earlier rows still verify with theirs', async () => {
    const { host } = setup();
    void answerNext(host, 'allow');
    await read(host, 'notes/todo.md');
    void answerNext(host, 'allow');
    expect(await host.bus.invoke('policy.change', { op: 'rotate_audit_key' })).toMatchObject({
      status: 'done',
    });
    void answerNext(host, 'allow');
    await read(host, 'notes/todo.md');
    expect(await host.bus.invoke('policy.verify_audit', {})).toMatchObject({ ok: true });
    const { rows } = await host.bus.invoke('policy.list_audit', { limit: 100 });
    expect(rows.some((r) => r.kind === 'audit.key_rotated')).toBe(true);
  });

  it('grants for an hour expire, and counted grants run out', async () => {
    const { host } = setup();
    void answerNext(host, 'allow', { duration: 'hour', uses: 2 });
    expect(await read(host, 'notes/todo.md')).toMatchObject({
      status: 'done',
      reason: 'user-allowed',
    });
    const [grant] = (await host.bus.invoke('policy.list_grants', {})).grants;
    expect(grant).toMatchObject({ duration: 'until', usesLeft: 1 });
    expect(grant.expiresAt! - grant.createdAt).toBe(3_600_000);
    expect(await read(host, 'notes/todo.md')).toMatchObject({
      status: 'done',
      reason: 'grant-allow',
    });
    const asked = answerNext(host, 'deny');
    expect(await read(host, 'notes/todo.md')).toMatchObject({ status: 'denied' });
    await asked;
  });
});
