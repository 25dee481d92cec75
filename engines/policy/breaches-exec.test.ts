// The gate's breaches around answers, grants and programs (issue 10, breaches 2–4), reproduced
// through a real host: real SQLite, real executors, real processes on a temp workspace.
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionOutcome, Approval } from '../bus/index.ts';
import type { Host } from '../host/index.ts';
import { hostInTemp } from '../host/testing.ts';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

const setup = (preset?: string) =>
  hostInTemp(hosts, { prefix: 'aether-breach-', preset, files: { 'notes/todo.md': 'buy milk' } });

type Reply = {
  answer: 'allow' | 'deny' | 'draft';
  scopeOption?: string;
  duration?: 'once' | 'task' | 'session' | 'hour' | 'day' | 'always';
};

/** Answers every approval that comes with `reply`, and counts them. */
function answerAll(host: Host, reply: Reply | ((n: number) => Reply)) {
  const seen: Approval[] = [];
  host.bus.on('policy.approval_pending', (e) => {
    const r = typeof reply === 'function' ? reply(seen.length) : reply;
    seen.push(e.payload.approval);
    void host.bus.invoke(
      'policy.respond_approval',
      { ticketId: e.payload.approval.ticketId, requestHash: e.payload.approval.requestHash, ...r },
      { origin: 'renderer' },
    );
  });
  return seen;
}

const run = (host: Host, target: string, actor = 'user'): Promise<ActionOutcome> =>
  host.bus.invoke('policy.perform', { capability: 'process.exec', target, actor, why: 'test' });
const grants = async (host: Host) => (await host.bus.invoke('policy.list_grants', {})).grants;

describe('breach 2: only an allow answer leaves an allow grant', () => {
  it('a draft answered "always" leaves no grant, and the next request asks again', async () => {
    const { host } = setup();
    const asked = answerAll(host, { answer: 'draft', duration: 'always' });
    const write = () =>
      host.bus.invoke('policy.perform', {
        capability: 'files.write',
        target: 'notes/new.md',
        input: 'x',
        actor: 'user',
        why: 'test',
      });
    expect((await write()).status).toBe('draft');
    expect(await grants(host)).toEqual([]);
    expect((await write()).status).toBe('draft');
    expect(asked).toHaveLength(2);
  });

  it('a critical action never gets a grant, whatever "always" was sent', async () => {
    const { host } = setup();
    const asked = answerAll(host, { answer: 'allow', duration: 'always' });
    expect((await run(host, 'echo "a;b"')).status).toBe('done');
    expect(await grants(host)).toEqual([]);
    expect((await run(host, 'echo "a;b"')).status).toBe('done');
    expect(asked).toHaveLength(2);
  });

  it('a deny answered "always" leaves a deny grant, never an allow', async () => {
    const { host } = setup();
    answerAll(host, { answer: 'deny', duration: 'always' });
    await run(host, 'echo hi');
    expect((await grants(host)).map((g) => g.effect)).toEqual(['deny']);
  });
});

describe('breach 3: command grants cover no argument nobody approved', () => {
  it('a grant for "cat X …" does not read the audit key', async () => {
    const { host, dataDir } = setup();
    answerAll(host, { answer: 'allow', scopeOption: 'program', duration: 'always' });
    expect((await run(host, 'cat notes/todo.md notes/todo.md')).status).toBe('done');
    const key = join(dataDir, 'keys', 'audit-hmac.json');
    const stolen = await run(host, `cat notes/todo.md ${key}`);
    expect(stolen).toMatchObject({ status: 'denied', reason: 'hard-block' });
    expect(JSON.stringify(stolen.result ?? '')).not.toContain('current');
  });

  it('a hard-blocked path in an option value or a relative spelling is refused', async () => {
    const { host, dataDir, workspace } = setup('power-user');
    const rel = join('..', 'data', 'keys', 'audit-hmac.json');
    expect(
      await run(host, `grep --file=${join(dataDir, 'keys', 'audit-hmac.json')} notes/todo.md`),
    ).toMatchObject({ reason: 'hard-block' });
    expect(await run(host, `cat ${rel}`)).toMatchObject({ reason: 'hard-block' });
    expect(existsSync(join(workspace, rel))).toBe(true);
  });

  it('a grant for "git log …" does not cover --output outside the workspace', async () => {
    const { host, workspace, top } = setup();
    execFileSync('git', ['init', '-q'], { cwd: workspace });
    execFileSync(
      'git',
      ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'x'],
      { cwd: workspace },
    );
    const asked = answerAll(host, (n) =>
      n === 0
        ? { answer: 'allow', scopeOption: 'program', duration: 'always' }
        : { answer: 'deny' },
    );
    expect((await run(host, 'git log -1 --oneline')).status).toBe('done');
    const outside = join(top, 'outside.txt');
    expect(await run(host, `git log -1 --output=${outside}`)).toMatchObject({
      status: 'denied',
      reason: 'user-denied',
    });
    expect(asked).toHaveLength(2); // it asked instead of running on the grant
    expect(existsSync(outside)).toBe(false);
  });

  it('a grant for "find . …" does not cover -fprint', async () => {
    const { host, top } = setup();
    const asked = answerAll(host, (n) =>
      n === 0
        ? { answer: 'allow', scopeOption: 'program', duration: 'always' }
        : { answer: 'deny' },
    );
    expect((await run(host, 'find . -name todo.md')).status).toBe('done');
    const outside = join(top, 'found.txt');
    const out = await run(host, `find . -fprint ${outside}`);
    expect(out).toMatchObject({ status: 'denied', reason: 'user-denied' });
    expect(asked.map((a) => a.risk)).toEqual(['high', 'critical']);
    expect(existsSync(outside)).toBe(false);
  });

  it('interpreters are critical: python3 -c and sh always need a person', async () => {
    const { host } = setup('power-user');
    const asked = answerAll(host, { answer: 'deny' });
    for (const line of ['python3 -c print(1)', 'sh script.sh', 'node -e 1', 'bash', 'perl -e 1']) {
      const out = await run(host, line);
      expect(out.status, line).toBe('denied');
    }
    expect(asked.map((a) => a.risk)).toEqual([
      'critical',
      'critical',
      'critical',
      'critical',
      'critical',
    ]);
  });
});

describe('breach 4: hard-blocked programs stay blocked behind wrappers', () => {
  it.each([
    'env su -c id',
    'env -i FOO=1 su -c id',
    'nice -n 5 sudo id',
    'timeout 5 sudo id',
    'nohup doas id',
    'env nice timeout 3 su',
    '/usr/bin/sudo id',
    'stdbuf -o0 sudo id',
    'setsid sudo id',
    'xargs sudo',
    'find . -exec sudo id ;',
    'busybox su',
  ])('%s is refused without asking under power-user', async (line) => {
    const { host } = setup('power-user');
    const asked = answerAll(host, { answer: 'allow' });
    expect(await run(host, line)).toMatchObject({ status: 'denied', reason: 'hard-block' });
    expect(asked).toEqual([]);
  });

  it('an ordinary program behind a wrapper still runs', async () => {
    const { host } = setup('power-user');
    expect(await run(host, 'env nice echo hello')).toMatchObject({ status: 'done' });
  });
});

describe('breach 2 as a property: only allow yields allow grants', () => {
  it('for random answers, durations, scopes and risks', async () => {
    const { host } = setup();
    let reply: Reply = { answer: 'allow' };
    host.bus.on('policy.approval_pending', (e) => {
      void host.bus.invoke(
        'policy.respond_approval',
        {
          ticketId: e.payload.approval.ticketId,
          requestHash: e.payload.approval.requestHash,
          ...reply,
        },
        { origin: 'renderer' },
      );
    });
    const requests = [
      { capability: 'files.write' as const, target: 'notes/a.md', input: 'x' }, // high
      { capability: 'files.read' as const, target: 'notes/todo.md' }, // medium
      { capability: 'process.exec' as const, target: 'python3 -c 1' }, // critical (interpreter)
      { capability: 'process.exec' as const, target: 'echo "a;b"' }, // critical (shell syntax)
    ];
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('allow' as const, 'deny' as const, 'draft' as const),
        fc.constantFrom(
          'once' as const,
          'task' as const,
          'session' as const,
          'hour' as const,
          'day' as const,
          'always' as const,
        ),
        fc.constantFrom('exact', 'folder', 'program', 'nonsense'),
        fc.constantFrom(...requests.keys()),
        async (answer, duration, scopeOption, which) => {
          await host.bus.invoke('policy.revoke_all', {});
          reply = { answer, duration, scopeOption };
          const r = requests[which];
          const out = await host.bus.invoke('policy.perform', {
            ...r,
            actor: 'user',
            why: 'property',
            taskId: `task-${n++}`,
          });
          const made = await grants(host);
          const critical = which >= 2;
          if (made.some((g) => g.effect === 'allow')) {
            expect(answer).toBe('allow');
            expect(critical).toBe(false);
            expect(duration).not.toBe('once');
          }
          if (answer !== 'allow') expect(out.status).not.toBe('done');
        },
      ),
      { numRuns: 60 },
    );
  });
});
