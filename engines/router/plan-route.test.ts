// planRoute as a table: what there is and what was asked → the tiers tried, in order, and why.
import { describe, expect, it } from 'vitest';
import { planRoute, type RouteFacts } from './plan-route.ts';

const remote = (patch: Partial<RouteFacts['remote']> = {}): RouteFacts['remote'] => ({
  configured: true,
  available: true,
  prefer: 'local',
  userChose: false,
  breaker: 'closed',
  ...patch,
});
const base: RouteFacts = {
  quick: false,
  hasSmall: false,
  hasLocal: true,
  remote: remote({ configured: false, available: false }),
};

const TABLE: Array<[string, RouteFacts, string[], RegExp]> = [
  ['nothing set up but the local model', base, ['local'], /stay on this machine/],
  ['no model at all', { ...base, hasLocal: false }, [], /stay on this machine/],
  [
    'a short message with a small model',
    { ...base, quick: true, hasSmall: true },
    ['local-small', 'local'],
    /small model/,
  ],
  [
    'a short message without a small model',
    { ...base, quick: true },
    ['local'],
    /stay on this machine/,
  ],
  [
    'remote on, nobody prefers it',
    { ...base, remote: remote() },
    ['local', 'remote'],
    /by default/,
  ],
  [
    'the user prefers remote',
    { ...base, remote: remote({ prefer: 'remote', userChose: true }) },
    ['remote', 'local'],
    /you prefer/,
  ],
  [
    'the persona prefers remote',
    { ...base, remote: remote(), hints: { prefer: 'remote', latencyBudgetMs: null } },
    ['remote', 'local'],
    /persona prefers/,
  ],
  [
    'the user chose local over the persona',
    {
      ...base,
      remote: remote({ userChose: true }),
      hints: { prefer: 'remote', latencyBudgetMs: null },
    },
    ['local', 'remote'],
    /by default/,
  ],
  [
    'remote set up but switched off',
    { ...base, remote: remote({ available: false, prefer: 'remote', userChose: true }) },
    ['local'],
    /you prefer/,
  ],
  [
    'a failing remote and a tight budget',
    {
      ...base,
      remote: remote({ prefer: 'remote', userChose: true, breaker: 'open' }),
      hints: { prefer: null, latencyBudgetMs: 800 },
    },
    ['local', 'remote'],
    /failing/,
  ],
  [
    'a failing remote, no budget',
    { ...base, remote: remote({ prefer: 'remote', userChose: true, breaker: 'open' }) },
    ['remote', 'local'],
    /you prefer/,
  ],
  [
    'a strict persona',
    {
      ...base,
      remote: remote(),
      hints: { prefer: 'remote', latencyBudgetMs: null, privacyPosture: 'strict' },
    },
    ['local'],
    /keeps replies on this machine/,
  ],
  [
    'a strict persona, the user chose remote',
    {
      ...base,
      remote: remote({ prefer: 'remote', userChose: true }),
      hints: { prefer: null, latencyBudgetMs: null, privacyPosture: 'strict' },
    },
    ['remote', 'local'],
    /you prefer/,
  ],
];

describe('planRoute', () => {
  it.each(TABLE)('%s', (_name, facts, tiers, why) => {
    const plan = planRoute(facts);
    expect(plan.tiers).toEqual(tiers);
    expect(plan.why).toMatch(why);
  });
});
