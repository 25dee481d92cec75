import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Capability } from './catalog.ts';
import { evaluate, type PolicyState } from './evaluate.ts';
import { GrantIndex, type Grant, type Resource } from './grants.ts';
import type { PresetName } from './presets.ts';

const NOW = 1_000_000;
const ctx = { now: NOW, sessionId: 's1', taskId: 't1', personaId: 'default' };

function state(grants: Grant[] = [], patch: Partial<PolicyState> = {}): PolicyState {
  return {
    preset: { name: 'assistant' },
    auditProblem: null,
    posture: 'balanced',
    hardBlocks: { paths: ['/home/u/.ssh'], programs: ['sudo'] },
    workspaceRoots: ['/w'],
    costCapHit: () => false,
    grants: new GrantIndex(grants),
    context: ctx,
    ...patch,
  };
}

let n = 0;
function grant(patch: Partial<Grant>): Grant {
  return {
    id: `g${++n}`,
    capability: 'files.read',
    scope: { kind: 'path', root: '/w' },
    effect: 'allow',
    duration: 'persistent',
    expiresAt: null,
    usesLeft: null,
    taskId: null,
    sessionId: 's1',
    personaId: null,
    createdAt: 0,
    revokedAt: null,
    ...patch,
  };
}

const read = (path: string) => ({
  capability: 'files.read' as const,
  resource: { kind: 'path', path } as Resource,
});

describe('policy evaluator', () => {
  it('asks when nothing matches, allows with a covering grant', () => {
    expect(evaluate(read('/w/a.txt'), state())).toMatchObject({
      decision: 'ask',
      reason: 'no-grant',
    });
    expect(evaluate(read('/w/a.txt'), state([grant({})]))).toMatchObject({
      decision: 'allow',
      reason: 'grant-allow',
    });
    expect(evaluate(read('/x/a.txt'), state([grant({})]))).toMatchObject({ decision: 'ask' });
  });

  it('runs pre-gates first: a broken audit log, hard blocks, posture and cost caps deny', () => {
    const g = [grant({ scope: { kind: 'any' } })];
    expect(evaluate(read('/w/a'), state(g, { auditProblem: 'broken' }))).toMatchObject({
      decision: 'deny',
      reason: 'audit-unavailable',
    });
    expect(evaluate(read('/home/u/.ssh/id_ed25519'), state(g))).toMatchObject({
      decision: 'deny',
      reason: 'hard-block',
    });
    expect(
      evaluate(
        {
          capability: 'process.exec',
          resource: { kind: 'command', argv: ['/usr/bin/sudo', 'ls'] },
        },
        state(),
      ),
    ).toMatchObject({ decision: 'deny', reason: 'hard-block' });
    const fetch = {
      capability: 'web.fetch' as const,
      resource: { kind: 'host', host: 'example.com', port: 443, privateAddress: false } as Resource,
    };
    expect(evaluate(fetch, state([], { posture: 'local-only' }))).toMatchObject({
      decision: 'deny',
      reason: 'posture-local-only',
    });
    expect(evaluate(fetch, state([], { costCapHit: () => true }))).toMatchObject({
      decision: 'deny',
      reason: 'cost-cap',
    });
  });

  it('maps presets: observer needs an upgrade for writes, power users run high-risk actions alone', () => {
    const write = {
      capability: 'files.write' as const,
      resource: { kind: 'path', path: '/w/x' } as Resource,
    };
    expect(evaluate(write, state([], { preset: { name: 'observer' } }))).toMatchObject({
      decision: 'needs-upgrade',
      reason: 'preset-denies',
    });
    expect(evaluate(write, state([], { preset: { name: 'power-user' } }))).toMatchObject({
      decision: 'allow',
      reason: 'preset-auto',
    });
    expect(
      evaluate(
        { ...write, resource: { kind: 'path', path: '/elsewhere/x' } },
        state([], { preset: { name: 'power-user' } }),
      ),
    ).toMatchObject({ decision: 'ask' });
    expect(
      evaluate(
        write,
        state([], { preset: { name: 'custom', overrides: { 'files.write': 'draft-only' } } }),
      ),
    ).toMatchObject({ decision: 'draft-only' });
  });

  it('never runs a critical action without a person, whatever the preset or grants say', () => {
    const admin = { capability: 'policy.admin' as const, resource: { kind: 'none' } as Resource };
    const everything = [grant({ capability: 'policy.admin', scope: { kind: 'any' } })];
    for (const name of ['assistant', 'operator', 'power-user'] as PresetName[]) {
      expect(evaluate(admin, state(everything, { preset: { name } })).decision).toBe('ask');
    }
    expect(
      evaluate(
        admin,
        state(everything, { preset: { name: 'custom', overrides: { 'policy.admin': 'auto' } } }),
      ).decision,
    ).toBe('ask');
  });

  it('lets an explicit deny beat an allow at any depth', () => {
    const grants = [
      grant({ scope: { kind: 'path', root: '/w/a' } }),
      grant({ effect: 'deny', scope: { kind: 'path', root: '/w' } }),
    ];
    expect(evaluate(read('/w/a/b'), state(grants))).toMatchObject({
      decision: 'deny',
      reason: 'grant-deny',
    });
  });

  it('ignores expired, used-up, revoked, other-session, other-task and dormant-persona grants', () => {
    for (const dead of [
      { expiresAt: NOW - 1 },
      { usesLeft: 0 },
      { revokedAt: 5 },
      { duration: 'session' as const, sessionId: 'old' },
      { duration: 'task' as const, taskId: 'other' },
      { duration: 'session' as const, personaId: 'someone-else' },
    ]) {
      expect(evaluate(read('/w/a'), state([grant(dead)])).decision).toBe('ask');
    }
  });

  it('asks before fetching a private address even where fetching is automatic', () => {
    const local = {
      capability: 'web.fetch' as const,
      resource: { kind: 'host', host: '127.0.0.1', port: 8080, privateAddress: true } as Resource,
    };
    expect(evaluate(local, state([], { preset: { name: 'operator' } })).decision).toBe('ask');
  });
});

// ── properties ─────────────────────────────────────────────────────────────────────────────
const ROOTS = ['/w', '/w/a', '/w/a/b', '/x', '/'];
const PATHS = ['/w/f', '/w/a/f', '/w/a/b/f', '/x/f', '/y/f'];
const CAPS: Capability[] = ['files.read', 'files.write', 'files.delete'];

const grantArb = fc
  .record({
    capability: fc.constantFrom(...CAPS),
    root: fc.constantFrom(...ROOTS),
    effect: fc.constantFrom('allow' as const, 'deny' as const),
    duration: fc.constantFrom(
      'once' as const,
      'task' as const,
      'session' as const,
      'until' as const,
      'persistent' as const,
    ),
    expiresAt: fc.option(fc.constantFrom(NOW - 10, NOW + 10), { nil: null }),
    usesLeft: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
    sessionId: fc.constantFrom('s1', 's0'),
    taskId: fc.option(fc.constantFrom('t1', 't2'), { nil: null }),
    revokedAt: fc.option(fc.constant(1), { nil: null }),
  })
  .map((g): Grant => grant({ ...g, scope: { kind: 'path', root: g.root } }));

const requestArb = fc
  .record({ capability: fc.constantFrom(...CAPS), path: fc.constantFrom(...PATHS) })
  .map((r) => ({ capability: r.capability, resource: { kind: 'path', path: r.path } as Resource }));
const presetArb = fc.constantFrom<PresetName>('observer', 'assistant', 'operator', 'power-user');

describe('policy evaluator properties', () => {
  it('adding a deny grant never turns a decision into an allow, and a covering deny always denies', () => {
    fc.assert(
      fc.property(
        fc.array(grantArb, { maxLength: 12 }),
        grantArb,
        requestArb,
        presetArb,
        (grants, extra, req, preset) => {
          const deny = {
            ...extra,
            effect: 'deny' as const,
            revokedAt: null,
            expiresAt: null,
            usesLeft: null,
            duration: 'persistent' as const,
          };
          const before = evaluate(req, state(grants, { preset: { name: preset } }));
          const after = evaluate(req, state([...grants, deny], { preset: { name: preset } }));
          if (after.decision === 'allow') expect(before.decision).toBe('allow');
          const covers =
            deny.capability === req.capability &&
            req.resource.kind === 'path' &&
            (deny.scope as { root: string }).root !== undefined &&
            (req.resource.path === (deny.scope as { root: string }).root ||
              req.resource.path.startsWith(
                `${(deny.scope as { root: string }).root.replace(/\/$/, '')}/`,
              ));
          if (covers) expect(after.decision).not.toBe('allow');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('does not depend on the order grants were made in', () => {
    fc.assert(
      fc.property(
        fc.array(grantArb, { maxLength: 12 }),
        requestArb,
        presetArb,
        fc.integer(),
        (grants, req, preset, seed) => {
          const shuffled = [...grants].sort(
            (a, b) =>
              ((a.id.length * seed) % 7) - ((b.id.length * seed) % 7) ||
              a.id.localeCompare(b.id) * (seed % 2 ? 1 : -1),
          );
          const a = evaluate(req, state(grants, { preset: { name: preset } }));
          const b = evaluate(req, state(shuffled, { preset: { name: preset } }));
          expect({ decision: b.decision, reason: b.reason }).toEqual({
            decision: a.decision,
            reason: a.reason,
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never allows through an expired or revoked grant', () => {
    fc.assert(
      fc.property(
        fc.array(grantArb, { maxLength: 12 }),
        requestArb,
        presetArb,
        (grants, req, preset) => {
          const dead = grants.map((g, i) =>
            i % 2 ? { ...g, revokedAt: 1 } : { ...g, expiresAt: NOW - 1 },
          );
          const withDead = evaluate(req, state(dead, { preset: { name: preset } }));
          const without = evaluate(req, state([], { preset: { name: preset } }));
          expect(withDead.decision).toBe(without.decision);
        },
      ),
      { numRuns: 500 },
    );
  });
});
