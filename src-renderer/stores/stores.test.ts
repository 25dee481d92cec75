// @vitest-environment jsdom
// The column stores together, against a test client: what they fetch at start, that each
// follows its own events, and that a replay gap or a reconnect makes every one fetch again.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExposedCommandName } from '../../engines/bus/index.ts';
import { createTestClient, type TestHandlers } from '../ipc/testing.ts';
import { createStores, startStores } from './index.ts';

// Only the fields the stores read; the rest of each answer's shape does not matter here.
const answers = {
  'turn.get_state': () => ({ state: 'idle', turnId: null }),
  'presence.get_state': () => ({ state: 'idle' }),
  'presence.get_avatar': () => ({ avatar: null }),
  'router.get_status': () => ({ state: 'ready', model: 'tiny' }) as never,
  'persona.get_active': () =>
    ({ id: 'aria', displayName: 'Aria', tagline: 'kind', summary: ['asks first'] }) as never,
  'persona.list': () => ({ personas: [], pending: null }),
  'chat.list_conversations': () => ({
    conversations: [{ id: 'c1', title: 'One', createdAt: 1, updatedAt: 1 }] as never,
  }),
  'chat.get_conversation': ({ id }) => ({ conversation: { id } as never, turns: [] }),
  'policy.list_pending': () => ({ approvals: [] }),
  'policy.get_state': () => ({ auditHealthy: true, auditProblem: null, keyWarning: null }) as never,
  'policy.list_grants': () => ({ grants: [] }),
  'policy.list_audit': () => ({ rows: [], head: 0 }),
  'memory.list': () => ({ items: [] }),
  'memory.get_settings': () => ({ enabled: true }) as never,
  'voice.get_status': () => ({
    state: 'off',
    detail: null,
    recogniser: false,
    voices: [],
    problems: [],
    speak: false,
  }),
  'trust.get_onboarding': () => ({ steps: [], current: null, finished: true, choices: {} }),
  'trust.get_view': () => ({ posture: [] }) as never,
  'models.list': () => ({
    installed: [],
    catalog: [],
    downloads: [],
    defaultChat: null,
    smallChat: null,
  }),
} satisfies TestHandlers;

function setUp() {
  const client = createTestClient(answers);
  const stores = createStores(client);
  const errors: Error[] = [];
  const stop = startStores(client, stores, (e) => errors.push(e));
  return { client, stores, errors, stop };
}

const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
  localStorage.clear();
});
afterEach(() => vi.useRealTimers());

describe('stores started on a client', () => {
  it('fetch what the workspace shows first, and open the first conversation', async () => {
    const { client, stores } = setUp();
    await settle();
    const asked = new Set(client.calls.map((c) => c.command));
    for (const command of [
      'turn.get_state',
      'router.get_status',
      'chat.list_conversations',
      'policy.list_pending',
    ] satisfies ExposedCommandName[])
      expect(asked).toContain(command);
    expect(asked).not.toContain('memory.list');
    expect(stores.useInspector.getState().persona?.displayName).toBe('Aria');
    expect(stores.useConversations.getState().activeId).toBe('c1');
  });

  it('fetch everything again after a replay gap or a reconnect', async () => {
    const { client, stores } = setUp();
    await settle();
    await stores.useChat.getState().load('c1');
    const before = client.calls.length;
    client.resync('replay_gap');
    await settle();
    const again = client.calls.slice(before).map((c) => c.command);
    for (const command of [
      'turn.get_state',
      'chat.list_conversations',
      'chat.get_conversation',
      'policy.list_grants',
      'memory.list',
      'models.list',
    ] satisfies ExposedCommandName[])
      expect(again).toContain(command);
    // The persona list was never opened, so there is nothing of it to fetch again.
    expect(again).not.toContain('persona.list');
    client.resync('reconnect');
    await settle();
    expect(client.count('models.list')).toBe(2);
  });

  it('report a fetch that fails instead of throwing it away', async () => {
    const { client, errors } = setUp();
    await settle();
    client.answer('models.list', () => {
      throw new Error('host went away');
    });
    client.resync('reconnect');
    await settle();
    expect(errors.map((e) => e.message)).toEqual(['host went away']);
  });

  it('leave no listener behind when stopped', async () => {
    const { client, stop } = setUp();
    await settle();
    stop();
    for (const name of ['router.token', 'policy.audit_appended', 'memory.changed'] as const)
      expect(client.listeners(name)).toBe(0);
    client.resync('replay_gap');
    await settle();
    expect(client.count('models.list')).toBe(0);
  });

  it('refresh the audit list and memory once per burst of events', async () => {
    const { client } = setUp();
    await settle();
    const audits = client.count('policy.list_audit');
    for (let i = 0; i < 5; i++) {
      client.emit('policy.audit_appended', { seq: i, kind: 'decision' } as never);
      client.emit('memory.changed', { ids: [] } as never);
    }
    await vi.advanceTimersByTimeAsync(200);
    expect(client.count('policy.list_audit')).toBe(audits + 1);
    expect(client.count('memory.list')).toBe(2); // active and proposed, once
  });

  it('keep approvals, the audit health and the live turn’s speed from events', async () => {
    const { client, stores } = setUp();
    await settle();
    const approval = { ticketId: 'k1' } as never;
    client.emit('policy.approval_pending', { approval });
    expect(stores.usePolicy.getState().pending).toHaveLength(1);
    client.emit('policy.approval_resolved', { ticketId: 'k1', answer: 'deny' });
    expect(stores.usePolicy.getState().pending).toHaveLength(0);
    client.emit('policy.health_changed', { auditHealthy: false, problem: 'chain broken' } as never);
    expect(stores.usePolicy.getState().auditProblem).toBe('chain broken');

    client.emit('chat.turn_started', { turn: { id: 't1', conversationId: 'c1' } as never });
    client.emit('router.first_token', { turnId: 't1', ttftMs: 42 } as never); // at = seq
    for (let i = 0; i < 3; i++) client.emit('router.token', { turnId: 't1', text: 'a', index: i });
    const inspector = stores.useInspector.getState();
    expect(inspector.ttftMs).toBe(42);
    expect(inspector.tokens).toBe(3);
    expect(inspector.tokensPerSecond).toBeCloseTo((2 * 1000) / 3);
  });

  it('say a failed download in plain words and show a persona that failed for ten seconds', async () => {
    const { client, stores } = setUp();
    await settle();
    client.emit('models.download_finished', {
      id: 'm1',
      ok: false,
      error: { code: 'DiskFull', message: 'ENOSPC' },
    } as never);
    expect(stores.useModels.getState().errors.m1).toMatch(/not enough free disk space/);

    const error = { line: 3, column: 1, message: 'unknown key', path: 'x' } as never;
    client.emit('persona.failed', { id: 'aria', error });
    expect(stores.usePersona.getState().toast).toMatch(/line 3, column 1: unknown key/);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(stores.usePersona.getState().toast).toBeNull();
  });
});
