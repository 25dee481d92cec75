// A persona's policy defaults: an unsigned pack may only make the preset stricter; a signed one
// (checked by L6) may widen it, but never make a critical action automatic.
import { describe, expect, it } from 'vitest';
import { evaluate, type PolicyState } from './evaluate.ts';
import { GrantIndex } from './grants.ts';

describe('persona policy defaults', () => {
  it('lets an unsigned pack only narrow the preset; a signed one may widen', () => {
    const state = (persona: PolicyState['persona']): PolicyState => ({
      preset: { name: 'assistant' },
      auditProblem: null,
      posture: 'balanced',
      hardBlocks: { paths: [], programs: [] },
      workspaceRoots: ['/ws'],
      costCapHit: () => false,
      grants: new GrantIndex([]),
      context: { now: 0, sessionId: 's', taskId: null, personaId: null },
      persona,
    });
    const read = {
      capability: 'files.read' as const,
      resource: { kind: 'path' as const, path: '/ws/a.txt' },
    };
    expect(evaluate(read, state({ modes: { 'files.read': 'auto' }, signed: false })).decision).toBe(
      'ask',
    );
    expect(evaluate(read, state({ modes: { 'files.read': 'deny' }, signed: false }))).toMatchObject(
      { decision: 'deny', reason: 'persona-denies' },
    );
    expect(evaluate(read, state({ modes: { 'files.read': 'auto' }, signed: true })).decision).toBe(
      'allow',
    );
    const admin = { capability: 'policy.admin' as const, resource: { kind: 'none' as const } };
    expect(
      evaluate(admin, state({ modes: { 'policy.admin': 'auto' }, signed: true })).decision,
    ).toBe('ask'); // critical: always a person
  });
});
