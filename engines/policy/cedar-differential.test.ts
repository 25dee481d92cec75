// Differential test: our hand-written evaluator against Cedar (@cedar-policy/cedar-wasm, a dev
// dependency only) on random grants and requests. Grants become permit/forbid policies over a
// hierarchy where each path (or argv prefix) is a parent of everything below it; Cedar's
// "allow unless forbidden, deny by default" must agree with our allow / deny / ask.
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.ts';
import { ancestors } from './resources.ts';
import { GrantIndex, type Grant, type Resource } from './grants.ts';

const ROOTS = ['/', '/w', '/w/a', '/w/a/b', '/w/c', '/x'];
const PATHS = ['/w/f', '/w/a/f', '/w/a/b/f', '/w/c/g', '/x/f', '/y/f', '/w/a'];
const PREFIXES = [['git'], ['git', 'status'], ['git', 'log'], ['ls'], ['ls', '-la']];
const COMMANDS = [
  ['git', 'status'],
  ['git', 'status', '-s'],
  ['git', 'log', '-1'],
  ['ls', '-la', '/tmp'],
  ['ls'],
  ['rm', 'x'],
];

const key = (r: Resource) =>
  r.kind === 'path' ? r.path : r.kind === 'command' ? r.argv.join(' ') : '';
const parentsOf = (r: Resource): string[] =>
  r.kind === 'path'
    ? ancestors(r.path).slice(1)
    : r.kind === 'command'
      ? r.argv.slice(0, -1).map((_, i) => r.argv.slice(0, i + 1).join(' '))
      : [];

function cedarDecision(grants: Grant[], capability: string, resource: Resource) {
  const policies: Record<string, string> = {};
  grants.forEach((g, i) => {
    const root =
      g.scope.kind === 'path'
        ? g.scope.root
        : g.scope.kind === 'command'
          ? g.scope.prefix.join(' ')
          : '';
    policies[`g${i}`] =
      `${g.effect === 'allow' ? 'permit' : 'forbid'}(principal, action == Action::${JSON.stringify(g.capability)}, resource in R::${JSON.stringify(root)});`;
  });
  const answer = cedar.isAuthorized({
    principal: { type: 'User', id: 'me' },
    action: { type: 'Action', id: capability },
    resource: { type: 'R', id: key(resource) },
    context: {},
    policies: { staticPolicies: policies },
    entities: [
      {
        uid: { type: 'R', id: key(resource) },
        attrs: {},
        parents: parentsOf(resource).map((id) => ({ type: 'R', id })),
      },
    ],
  });
  if (answer.type !== 'success') throw new Error(JSON.stringify(answer.errors));
  const { decision, diagnostics } = answer.response;
  if (decision === 'allow') return 'allow';
  return diagnostics.reason.length > 0 ? 'deny' : 'ask';
}

let n = 0;
const grantArb = fc.oneof(
  fc
    .record({
      root: fc.constantFrom(...ROOTS),
      effect: fc.constantFrom('allow' as const, 'deny' as const),
      capability: fc.constantFrom('files.read' as const, 'files.list' as const),
    })
    .map(({ root, effect, capability }): Grant =>
      base({ capability, effect, scope: { kind: 'path', root } }),
    ),
  fc
    .record({
      prefix: fc.constantFrom(...PREFIXES),
      effect: fc.constantFrom('allow' as const, 'deny' as const),
    })
    .map(({ prefix, effect }): Grant =>
      base({ capability: 'process.exec', effect, scope: { kind: 'command', prefix } }),
    ),
);
function base(patch: Pick<Grant, 'capability' | 'effect' | 'scope'>): Grant {
  return {
    id: `g${++n}`,
    duration: 'persistent',
    expiresAt: null,
    usesLeft: null,
    taskId: null,
    sessionId: null,
    personaId: null,
    createdAt: 0,
    revokedAt: null,
    ...patch,
  };
}
const requestArb = fc.oneof(
  fc
    .record({
      capability: fc.constantFrom('files.read' as const, 'files.list' as const),
      path: fc.constantFrom(...PATHS),
    })
    .map((r) => ({
      capability: r.capability,
      resource: { kind: 'path', path: r.path } as Resource,
    })),
  fc.constantFrom(...COMMANDS).map((argv) => ({
    capability: 'process.exec' as const,
    resource: { kind: 'command', argv } as Resource,
  })),
);

describe('evaluator vs Cedar', () => {
  it('agrees on every random set of grants and request', () => {
    fc.assert(
      fc.property(fc.array(grantArb, { maxLength: 10 }), requestArb, (grants, req) => {
        const ours = evaluate(req, {
          preset: { name: 'assistant' },
          auditProblem: null,
          posture: 'balanced',
          hardBlocks: { paths: [], programs: [] },
          workspaceRoots: ['/'],
          costCapHit: () => false,
          grants: new GrantIndex(grants),
          context: { now: 0, sessionId: 's', taskId: null, personaId: null },
        });
        expect(ours.decision).toBe(cedarDecision(grants, req.capability, req.resource));
      }),
      { numRuns: 400 },
    );
  });
});
