// The exec-safety table, one case per entry, and the general class as a property: over random
// argv built from wrappers, launchers, options and paths, no hard-blocked program or path is
// ever allowed, whatever preset or grant is in force.
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, type PolicyState } from './evaluate.ts';
import { commandFacts, EXEC_TABLE } from './exec-safety.ts';
import { GrantIndex, type Grant } from './grants.ts';
import { canonicalize } from './request.ts';

const top = realpathSync(mkdtempSync(join(tmpdir(), 'aether-exec-')));
const workspace = join(top, 'ws');
const secret = join(top, 'data', 'keys');
mkdirSync(workspace, { recursive: true });
mkdirSync(secret, { recursive: true });
writeFileSync(join(secret, 'audit-hmac.json'), '{}');
writeFileSync(join(workspace, 'run.sh'), 'echo hi', { mode: 0o755 });

const state = (preset: PolicyState['preset']['name'], grants: Grant[] = []): PolicyState => ({
  preset: { name: preset },
  auditProblem: null,
  posture: 'balanced',
  hardBlocks: { paths: [secret], programs: EXEC_TABLE.blocked },
  workspaceRoots: [workspace],
  costCapHit: () => false,
  grants: new GrantIndex(grants),
  context: { now: 0, sessionId: 's', taskId: null, personaId: null },
});

const decide = (line: string | string[], s: PolicyState) => {
  const target = typeof line === 'string' ? line : line.map((a) => `'${a}'`).join(' ');
  const c = canonicalize({ capability: 'process.exec', target, actor: 'user', why: '' }, workspace);
  return evaluate(
    {
      capability: 'process.exec',
      resource: c.resource,
      escalate: c.escalate,
      escalateReason: c.escalateReason,
    },
    s,
  );
};

describe('the exec-safety table', () => {
  it.each(EXEC_TABLE.blocked)('blocked: %s, bare and behind every wrapper', (program) => {
    expect(decide(`${program} x`, state('power-user'))).toMatchObject({
      decision: 'deny',
      reason: 'hard-block',
    });
    for (const wrapper of [...EXEC_TABLE.wrappers, ...EXEC_TABLE.launchers]) {
      expect(
        decide(`${wrapper} ${program} x`, state('power-user')).reason,
        `${wrapper} ${program}`,
      ).toBe('hard-block');
    }
  });

  it.each(EXEC_TABLE.wrappers)(
    'wrapper: %s runs a plain program only as the program would',
    (wrapper) => {
      expect(commandFacts([wrapper, 'python3', '-c', '1'], workspace).critical).toBe(
        'interpreter-needs-a-person',
      );
      expect(commandFacts([wrapper, 'find', '.', '-delete'], workspace).critical).toBe(
        'writes-a-file-needs-a-person',
      );
    },
  );

  it.each(EXEC_TABLE.launchers)('launcher: %s always needs a person', (launcher) => {
    expect(commandFacts([launcher, 'echo', 'hi'], workspace).critical).not.toBeNull();
  });

  it.each(EXEC_TABLE.interpreters)('interpreter: %s always needs a person', (program) => {
    const verdict = decide(`${program} x`, state('power-user'));
    expect(verdict).toMatchObject({ decision: 'ask', risk: 'critical' });
  });

  const optionCases = Object.entries(EXEC_TABLE.options).flatMap(([program, { exec, write }]) =>
    [...exec, ...write].map((option) => [program === '*' ? 'grep' : program, option] as const),
  );
  it.each(optionCases)(
    'option: %s %s needs a person and is never covered by a prefix grant',
    (program, option) => {
      const facts = commandFacts([program, 'a', option, 'b'], workspace);
      expect(facts.critical).not.toBeNull();
      expect(facts.lastUnsafeArg).toBe(2);
    },
  );

  it("a script of the user's own is code: a person decides", () => {
    expect(commandFacts(['./run.sh'], workspace).critical).toBe('own-program-needs-a-person');
    expect(commandFacts(['nice', './run.sh'], workspace).critical).toBe(
      'own-program-needs-a-person',
    );
  });

  it('plain programs on plain arguments inside the workspace are ordinary', () => {
    expect(commandFacts(['ls', '-la', './notes'], workspace)).toMatchObject({
      critical: null,
      lastUnsafeArg: -1,
    });
    expect(commandFacts(['cat', '/etc/hostname'], workspace)).toMatchObject({
      critical: null,
      lastUnsafeArg: 1,
    });
  });
});

const RUNNERS = [...EXEC_TABLE.wrappers, ...EXEC_TABLE.launchers];
const RUNNER_ARGS = ['-n', '5', '-i', '--', 'FOO=1', '-o0', '10s', '-c'];
const PLAIN = [
  'ls',
  'cat',
  'git',
  'find',
  'echo',
  'grep',
  '-n',
  '-exec',
  ';',
  '.',
  'notes',
  '-o',
  '--output=x',
  'log',
];
const BLOCKED_PATHS = [
  join(secret, 'audit-hmac.json'),
  `--file=${join(secret, 'audit-hmac.json')}`,
  '../data/keys/audit-hmac.json',
  `-f${secret}/audit-hmac.json`,
  secret,
];
const grantsOn = (words: string[]): Grant[] =>
  words.map((w, i) => ({
    id: `g${i}`,
    capability: 'process.exec',
    scope: { kind: 'command', prefix: [w] },
    effect: 'allow',
    duration: 'persistent',
    expiresAt: null,
    usesLeft: null,
    taskId: null,
    sessionId: null,
    personaId: null,
    createdAt: 0,
    revokedAt: null,
  }));

describe('no hard-blocked program or path is reachable (power-user, a grant on every first word)', () => {
  const s = state('power-user', grantsOn([...RUNNERS, ...PLAIN]));
  const blockedProgram = fc.oneof(
    fc.constantFrom(...EXEC_TABLE.blocked),
    fc.constantFrom(...EXEC_TABLE.blocked).map((p) => `/usr/bin/${p}`),
  );
  const words = (from: string[], max: number) =>
    fc.array(fc.constantFrom(...from), { maxLength: max });

  it('through any chain of wrappers and launchers, with their options', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RUNNERS),
        words([...RUNNERS, ...RUNNER_ARGS], 5),
        blockedProgram,
        words(PLAIN, 3),
        (first, chain, bad, tail) => {
          const argv = [first, ...chain, bad, ...tail];
          expect(decide(argv, s), argv.join(' ')).toMatchObject({
            decision: 'deny',
            reason: 'hard-block',
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('as the program itself, whatever follows', () => {
    fc.assert(
      fc.property(blockedProgram, words([...PLAIN, ...RUNNER_ARGS], 5), (bad, tail) => {
        expect(decide([bad, ...tail], s).reason).toBe('hard-block');
      }),
      { numRuns: 200 },
    );
  });

  it('a protected path in any argument, however spelled, for any program', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RUNNERS, ...PLAIN),
        words([...PLAIN, ...RUNNER_ARGS], 4),
        fc.constantFrom(...BLOCKED_PATHS),
        words(PLAIN, 3),
        (first, mid, bad, tail) => {
          const argv = [first, ...mid, bad, ...tail];
          expect(decide(argv, s), argv.join(' ')).toMatchObject({
            decision: 'deny',
            reason: 'hard-block',
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
