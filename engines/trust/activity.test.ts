// Activity sentences: for every capability a done entry says its verb and object, and each verdict
// (allowed by preset or grant, asked, refused, failed, draft) says the rule that decided it.
import { describe, expect, it } from 'vitest';
import { capabilityNames, type AuditRowView, type GrantView } from '../bus/index.ts';
import { activityOf } from './activity.ts';
import { reviewOf } from './review.ts';

const NOW = 1_800_000_000_000;
let seq = 0;
function row(over: Partial<AuditRowView>): AuditRowView {
  seq += 1;
  return {
    seq,
    at: NOW - 1000 + seq,
    changeId: 'c1',
    kind: 'policy.decision',
    actor: 'persona:default',
    capability: 'files.read',
    resource: '/home/ada/Notes/todo.md',
    decision: 'allow',
    reason: 'preset-auto',
    details: JSON.stringify({ why: 'you asked what is on your list', grantId: null }),
    eventHash: 'x',
    ...over,
  };
}
const grant: GrantView = {
  id: 'g1',
  capability: 'files.read',
  scope: '/home/ada/Notes',
  effect: 'allow',
  duration: 'once',
  usesLeft: 1,
  expiresAt: null,
  createdAt: NOW - 5000,
  revokedAt: null,
  actor: 'user',
  lastUsedAt: null,
  timesUsed: 0,
};
const ctx = { grants: new Map([['g1', grant]]), preset: 'assistant', home: '/home/ada', now: NOW };
const one = (rows: AuditRowView[]) => {
  const entries = activityOf(rows, ctx);
  expect(entries).toHaveLength(1);
  return entries[0];
};

describe('activity sentences', () => {
  it('the example of the issue: read under a grant', () => {
    const e = one([
      row({
        reason: 'grant-allow',
        details: JSON.stringify({ why: 'what is on my list?', grantId: 'g1' }),
      }),
      row({ kind: 'policy.outcome', decision: 'done', reason: 'read 12 bytes' }),
    ]);
    expect(e.outcome).toBe('done');
    expect(e.sentence).toBe(
      'Aether read ~/Notes/todo.md because “what is on my list?” — allowed by your grant for ~/Notes, once',
    );
  });

  it.each(capabilityNames)('%s done says what Aether did', (capability) => {
    const e = one([
      row({ changeId: capability, capability, resource: 'thing' }),
      row({
        changeId: capability,
        capability,
        kind: 'policy.outcome',
        decision: 'done',
        reason: 'ok',
      }),
    ]);
    expect(e.sentence).toMatch(
      /^Aether \S.* thing because “you asked what is on your list” — allowed by your assistant preset/,
    );
    expect(e.sentence).not.toContain(capability);
  });

  it('asked, then allowed by the user: the second decision decides', () => {
    const e = one([
      row({ decision: 'ask', reason: 'no-grant' }),
      row({
        decision: 'allow',
        reason: 'user-allowed',
        details: JSON.stringify({ grantId: 'g1' }),
      }),
      row({ kind: 'policy.outcome', decision: 'done', reason: 'read' }),
    ]);
    expect(e.sentence).toMatch(/ — you allowed it, once$/);
    expect(e.auditSeq).toBe(seq - 1);
  });

  it('waiting for an answer, refused, draft and failed', () => {
    expect(one([row({ decision: 'ask', reason: 'no-grant' })])).toMatchObject({
      outcome: 'asked',
      sentence: expect.stringMatching(
        /^Aether asks to read ~\/Notes\/todo\.md .* — asked you: nothing you allowed covers it/,
      ),
    });
    expect(
      one([
        row({
          capability: 'process.exec',
          resource: 'rm -rf x',
          decision: 'deny',
          reason: 'preset-denies',
        }),
      ]),
    ).toMatchObject({
      outcome: 'denied',
      sentence: expect.stringMatching(
        /^Aether did not run rm -rf x .* — refused: your autonomy preset does not allow it$/,
      ),
    });
    expect(one([row({ decision: 'draft-only', reason: 'unattended' })]).outcome).toBe('draft');
    expect(
      one([row({}), row({ kind: 'policy.outcome', decision: 'failed', reason: 'NotFound' })])
        .sentence,
    ).toMatch(/^Aether tried to read ~\/Notes\/todo\.md and failed \(NotFound\)/);
  });

  it('newest first, one entry per change, rows without a capability left out', () => {
    const entries = activityOf(
      [
        row({ changeId: 'a' }),
        row({ changeId: 'b', capability: 'web.fetch', resource: 'https://example.org/' }),
        row({ changeId: 'c', kind: 'grant.revoked', capability: null }),
      ],
      ctx,
    );
    expect(entries.map((e) => e.changeId)).toEqual(['b', 'a']);
  });
});

describe('review suggestions', () => {
  const g = (over: Partial<GrantView>): GrantView => ({
    ...grant,
    duration: 'persistent',
    usesLeft: null,
    ...over,
  });
  const DAY = 86_400_000;

  it('grants unused for 30 days, counted and revoked together', () => {
    const s = reviewOf(
      [
        g({ id: 'a', createdAt: NOW - 40 * DAY }),
        g({ id: 'b', createdAt: NOW - 90 * DAY, lastUsedAt: NOW - 31 * DAY }),
        g({ id: 'c', createdAt: NOW - 90 * DAY, lastUsedAt: NOW - 2 * DAY }),
        g({ id: 'd', createdAt: NOW - 40 * DAY, duration: 'session' }),
        g({ id: 'e', createdAt: NOW - 40 * DAY, revokedAt: NOW - DAY }),
      ],
      { now: NOW, home: '/home/ada' },
    );
    expect(s).toEqual([
      {
        id: 'unused',
        text: '2 grants unused for 30 days — revoke?',
        fix: { op: 'revoke_grants', ids: ['a', 'b'], label: 'Revoke them' },
      },
    ]);
  });

  it('an always-allow on the whole home folder or on anything is flagged to narrow', () => {
    const s = reviewOf(
      [
        g({ id: 'h', scope: '/home/ada' }),
        g({ id: 'x', scope: 'anything', capability: 'process.exec' }),
        g({ id: 'n' }),
      ],
      {
        now: NOW,
        home: '/home/ada',
      },
    );
    expect(s.map((x) => x.id)).toEqual(['broad:h', 'broad:x']);
    expect(s[0].text).toMatch(
      /^files\.read is always allowed on your whole home folder \(~\) — narrow it\?/,
    );
    expect(s[0].fix.ids).toEqual(['h']);
  });

  it('nothing to say about healthy grants', () => {
    expect(reviewOf([g({ createdAt: NOW - DAY })], { now: NOW, home: '/home/ada' })).toEqual([]);
  });
});
