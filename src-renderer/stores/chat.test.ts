// @vitest-environment jsdom
// The chat store against a test client: no socket, no host; events arrive when the test says.
import { describe, expect, it, vi } from 'vitest';
import type { Turn } from '../../engines/bus/index.ts';
import { createTestClient } from '../ipc/testing.ts';
import { createChatStore } from './chat.ts';

const turn = (id: string, conversationId: string, patch: Partial<Turn> = {}): Turn => ({
  id,
  conversationId,
  userText: 'hello',
  assistantText: '',
  status: 'streaming',
  error: null,
  model: null,
  ttftMs: null,
  tokens: 0,
  tokensPerSecond: null,
  createdAt: 1,
  completedAt: null,
  steps: [],
  ...patch,
});

function setUp(turns: Turn[] = []) {
  const client = createTestClient({
    'chat.get_conversation': ({ id }) => ({
      conversation: { id, title: 't', createdAt: 1, updatedAt: 1 } as never,
      turns,
    }),
  });
  const chat = createChatStore(client);
  const unbind = chat.bind();
  return { client, chat, unbind };
}

describe('chat store', () => {
  it('streams the open conversation’s reply from token events and keeps the finished turn', async () => {
    const { client, chat } = setUp();
    await chat.getState().load('c1');
    client.emit('chat.turn_started', { turn: turn('t1', 'c1') });
    client.emit('router.token', { turnId: 't1', text: 'Hel', index: 0 });
    client.emit('router.token', { turnId: 't1', text: 'lo', index: 1 });
    expect(chat.getState().live.t1).toBe('Hello');
    client.emit('chat.turn_finished', {
      turn: turn('t1', 'c1', { status: 'complete', assistantText: 'Hello' }),
    } as never);
    expect(chat.getState().live).toEqual({});
    expect(chat.getState().turns.map((t) => [t.id, t.assistantText])).toEqual([['t1', 'Hello']]);
  });

  it('ignores turns of other conversations and tokens of turns it does not show', async () => {
    const { client, chat } = setUp();
    await chat.getState().load('c1');
    client.emit('chat.turn_started', { turn: turn('t9', 'c2') });
    client.emit('router.token', { turnId: 't9', text: 'x', index: 0 });
    expect(chat.getState().turns).toEqual([]);
    expect(chat.getState().live).toEqual({});
  });

  it('keeps a turn that started while the conversation was loading', async () => {
    const stored = turn('t1', 'c1', { status: 'complete' });
    const { client, chat } = setUp([stored]);
    chat.setState({ conversationId: 'c1' });
    const loading = chat.getState().load('c1');
    client.emit('chat.turn_started', { turn: turn('t2', 'c1') });
    await loading;
    expect(chat.getState().turns.map((t) => t.id)).toEqual(['t1', 't2']);
  });

  it('records finished tool calls only, and reload fetches the open conversation again', async () => {
    const { client, chat } = setUp();
    await chat.getState().load('c1');
    const step = { turnId: 't1', step: 0, name: 'read_file', capability: 'fs.read' };
    const rest = { target: 'a.txt', summary: 'read a.txt', output: 'A' };
    client.emit('router.tool_call', { ...step, ...rest, status: 'proposed' });
    client.emit('router.tool_call', { ...step, ...rest, status: 'done' });
    expect(chat.getState().liveSteps.t1).toHaveLength(1);
    await chat.getState().reload();
    expect(client.count('chat.get_conversation')).toBe(2);
  });

  it('says why a message was not sent', async () => {
    const { chat } = setUp();
    expect(await chat.getState().send('c1', 'hi')).toBe(false);
    expect(chat.getState().sendError).toMatch(/no test answer for chat.send_message/);
  });

  it('reads the words ahead once typing pauses, and not for a word or two letters', () => {
    vi.useFakeTimers();
    try {
      const client = createTestClient({ 'chat.preload': () => ({ preloaded: true }) });
      const chat = createChatStore(client);
      chat.getState().preload('c1', 'wh');
      vi.advanceTimersByTime(1000);
      expect(client.count('chat.preload')).toBe(0);
      for (const text of ['what', 'what is', 'what is the']) chat.getState().preload('c1', text);
      vi.advanceTimersByTime(299);
      expect(client.count('chat.preload')).toBe(0);
      vi.advanceTimersByTime(1);
      expect(client.calls).toEqual([
        { command: 'chat.preload', input: { conversationId: 'c1', text: 'what is the' } },
      ]);
      // The box emptied (the message was sent): what was waiting is dropped.
      chat.getState().preload('c1', 'and then');
      chat.getState().preload('c1', '');
      vi.advanceTimersByTime(1000);
      expect(client.count('chat.preload')).toBe(1);
      // The speaker paused: read at once, and what typing had waiting is dropped.
      chat.getState().preload('c1', 'and then what');
      chat.getState().preload('c1', 'tell me more', true);
      expect(client.calls.at(-1)).toEqual({
        command: 'chat.preload',
        input: { conversationId: 'c1', text: 'tell me more', pause: true },
      });
      vi.advanceTimersByTime(1000);
      expect(client.count('chat.preload')).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops hearing events once unbound', () => {
    const { client, unbind } = setUp();
    expect(client.listeners('router.token')).toBe(1);
    unbind();
    for (const name of ['router.token', 'chat.turn_started', 'chat.turn_finished'] as const)
      expect(client.listeners(name)).toBe(0);
  });
});
