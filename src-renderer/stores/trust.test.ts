// The trust store against a test client: it loads the first run's checklist and the view, moves
// a step on through the host, follows the host's word on the checklist, refreshes the view once
// per burst of policy events, and fixes a suggestion with the L5 revokes it names.
import { describe, expect, it, vi } from 'vitest';
import { onboardingSteps, type Onboarding } from '../../engines/bus/index.ts';
import { createTestClient } from '../ipc/testing.ts';
import { createTrustStore } from './trust.ts';

const at = (current: Onboarding['current']): Onboarding => ({
  steps: onboardingSteps.map((id) => ({ id, state: 'todo' })),
  current,
  finished: current === null,
  choices: {},
});

function setUp() {
  const client = createTestClient({
    'trust.get_onboarding': () => at('welcome'),
    'trust.get_view': () => ({ posture: [] }) as never,
    'trust.set_onboarding': (i) => at(i.op === 'skip_all' ? null : 'computer'),
    'policy.revoke_grant': () => ({ revoked: true }),
    'trust.list_activity': () => ({ entries: [] }),
  });
  const store = createTrustStore(client);
  const unbind = store.bind();
  return { client, store, unbind };
}

describe('the trust store', () => {
  it('loads the checklist, moves a step on through the host, and follows its events', async () => {
    const { client, store } = setUp();
    await store.getState().reload();
    expect(store.getState().onboarding?.current).toBe('welcome');
    await store.getState().step('welcome', 'done', 'dark');
    expect(client.calls.at(-1)).toEqual({
      command: 'trust.set_onboarding',
      input: { op: 'step', step: 'welcome', outcome: 'done', choice: 'dark' },
    });
    expect(store.getState().onboarding?.current).toBe('computer');
    client.emit('trust.onboarding_changed', { onboarding: at('privacy') });
    expect(store.getState().onboarding?.current).toBe('privacy');
    await store.getState().skipAll();
    expect(store.getState().onboarding?.finished).toBe(true);
  });

  it('refreshes the view once for a burst of policy events', async () => {
    vi.useFakeTimers();
    try {
      const { client } = setUp();
      const before = client.count('trust.get_view');
      for (let i = 0; i < 5; i++) client.emit('policy.audit_appended', { seq: i, kind: 'x' });
      await vi.advanceTimersByTimeAsync(200);
      expect(client.count('trust.get_view')).toBe(before + 1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('fixes a suggestion with the revokes it names, then shows the view again', async () => {
    const { client, store } = setUp();
    await store.getState().fix({
      id: 'unused',
      text: '2 grants unused',
      fix: { op: 'revoke_grants', ids: ['a', 'b'], label: 'Revoke them' },
    });
    const revoked = client.calls.filter((c) => c.command === 'policy.revoke_grant');
    expect(revoked.map((c) => c.input)).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(client.calls.at(-1)?.command).toBe('trust.get_view');
  });
});
