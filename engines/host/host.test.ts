import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedModel } from '../../scripts/gguf/cache.ts';
import type { Envelope } from '../bus/index.ts';
import { createHost, type Host, type HostOptions } from './create-host.ts';
import { nextEvent } from './testing.ts';
import { createLogger } from './logger.ts';

const SCRIPT = ['Nice', ' to', ' meet', ' you.'];
const hosts: Host[] = [];

function start(options: Partial<HostOptions> & { dataDir?: string } = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'aether-host-'));
  const host = createHost({ mode: 'headless', threads: 1, ...options, dataDir });
  hosts.push(host);
  const events: Envelope[] = [];
  host.bus.subscribe((e) => events.push(e));
  return { host, dataDir, events };
}

afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

describe('a turn through the real host', () => {
  it('streams a reply from the local model and persists the turn', async () => {
    const { host, events } = start({
      modelPath: cachedModel({ preset: 'tiny', type: 'q8_0', script: SCRIPT }),
    });
    const c = await host.bus.invoke('chat.create_conversation', {});
    const finished = nextEvent(host, 'chat.turn_finished');
    const { turnId } = await host.bus.invoke(
      'chat.send_message',
      { conversationId: c.id, text: 'Hello there' },
      { changeId: 'change-1' },
    );
    const { payload } = await finished;
    expect(payload.turn).toMatchObject({
      id: turnId,
      status: 'complete',
      assistantText: 'Nice to meet you.',
      userText: 'Hello there',
    });
    expect(payload.turn.ttftMs).toBeGreaterThan(0);

    const tokens = events.filter(
      (e): e is Envelope<'router.token'> => e.name === 'router.token' && e.turnId === turnId,
    );
    expect(tokens.map((e) => e.payload.text).join('')).toBe('Nice to meet you.');
    const states = events
      .filter((e): e is Envelope<'turn.state_changed'> => e.name === 'turn.state_changed')
      .map((e) => e.payload.state);
    expect(states).toEqual(['classifying', 'thinking', 'streaming', 'idle']);
    const presence = events
      .filter((e): e is Envelope<'presence.state_changed'> => e.name === 'presence.state_changed')
      .map((e) => e.payload.state);
    expect(presence).toEqual(['thinking', 'speaking', 'idle']);
    // Everything the turn caused carries the change id of the message that started it.
    const caused = events.filter((e) => e.turnId === turnId);
    expect(caused.length).toBeGreaterThan(5);
    expect(new Set(caused.map((e) => e.changeId))).toEqual(new Set(['change-1']));

    const stored = await host.bus.invoke('chat.get_conversation', { id: c.id });
    expect(stored.turns).toHaveLength(1);
    expect(stored.conversation.title).toBe('Hello there');
  });

  it('says plainly that no model is installed, and how to add one', async () => {
    const { host } = start({ modelPath: null });
    const c = await host.bus.invoke('chat.create_conversation', {});
    const finished = nextEvent(host, 'chat.turn_finished');
    await host.bus.invoke('chat.send_message', { conversationId: c.id, text: 'Are you there?' });
    const { turn } = (await finished).payload;
    expect(turn.status).toBe('error');
    expect(turn.error?.code).toBe('ModelNotInstalled');
    expect(turn.error?.message).toMatch(/--model/);
    expect(await host.bus.invoke('turn.get_state', {})).toMatchObject({ state: 'error' });
    expect(host.health().engines.router.state).toBe('degraded');
  });

  it('keeps serving when the model file is broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aether-broken-'));
    const { writeFileSync } = await import('node:fs');
    const bad = join(dir, 'broken.gguf');
    writeFileSync(
      bad,
      readFileSync(cachedModel({ preset: 'tiny', type: 'q8_0', script: SCRIPT })).subarray(
        0,
        50_000,
      ),
    );
    const { host } = start({ modelPath: bad });
    const c = await host.bus.invoke('chat.create_conversation', {});
    const finished = nextEvent(host, 'chat.turn_finished');
    await host.bus.invoke('chat.send_message', { conversationId: c.id, text: 'are you there' });
    expect((await finished).payload.turn.error?.code).toBe('ModelLoadFailed');
    expect(host.health().engines.router.state).toBe('error');
    expect((await host.bus.invoke('chat.list_conversations', {})).conversations).toHaveLength(1);
  });

  it('refuses a second message while a reply is streaming, and cancels into a stopped turn', async () => {
    const { host } = start({
      modelPath: cachedModel({
        preset: 'tiny',
        type: 'q8_0',
        script: ['la', ' di', ' da,'],
        loop: true,
      }),
      maxTokens: 100_000,
    });
    const c = await host.bus.invoke('chat.create_conversation', {});
    const streaming = nextEvent(host, 'turn.state_changed', (e) => e.payload.state === 'streaming');
    const { turnId } = await host.bus.invoke('chat.send_message', {
      conversationId: c.id,
      text: 'sing',
    });
    await streaming;
    await expect(
      host.bus.invoke('chat.send_message', { conversationId: c.id, text: 'again' }),
    ).rejects.toMatchObject({ code: 'TurnInProgress' });
    const finished = nextEvent(host, 'chat.turn_finished');
    expect(await host.bus.invoke('chat.cancel_turn', { turnId })).toEqual({ cancelled: true });
    const { turn } = (await finished).payload;
    expect(turn.status).toBe('stopped');
    expect(turn.assistantText).toMatch(/^la/);
    expect((await host.bus.invoke('turn.get_state', {})).state).toBe('idle');
  });

  it('keeps conversations across a restart, and marks a turn cut off by a stop', async () => {
    const first = start({
      modelPath: cachedModel({ preset: 'tiny', type: 'q8_0', script: SCRIPT }),
    });
    const c = await first.host.bus.invoke('chat.create_conversation', { title: 'Plans' });
    const done = nextEvent(first.host, 'chat.turn_finished');
    await first.host.bus.invoke('chat.send_message', {
      conversationId: c.id,
      text: 'Remember this',
    });
    await done;
    first.host.storage.conversations.startTurn('cut-off', c.id, 'never answered', Date.now());
    await first.host.dispose();

    const second = start({ dataDir: first.dataDir, modelPath: null });
    const again = await second.host.bus.invoke('chat.get_conversation', { id: c.id });
    expect(again.conversation.title).toBe('Plans');
    expect(again.turns.map((t) => t.status)).toEqual(['complete', 'error']);
    expect(again.turns[1].error?.code).toBe('Interrupted');
  });

  it('renames and deletes conversations, with typed errors for unknown ones', async () => {
    const { host } = start();
    const c = await host.bus.invoke('chat.create_conversation', {});
    expect(
      (await host.bus.invoke('chat.rename_conversation', { id: c.id, title: 'Renamed' })).title,
    ).toBe('Renamed');
    await host.bus.invoke('chat.delete_conversation', { id: c.id });
    await expect(host.bus.invoke('chat.get_conversation', { id: c.id })).rejects.toMatchObject({
      code: 'NotFound',
    });
    await expect(host.bus.invoke('chat.delete_conversation', { id: c.id })).rejects.toMatchObject({
      code: 'NotFound',
    });
    await expect(
      host.bus.invoke('chat.send_message', { conversationId: 'nope', text: 'x' }),
    ).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('writes structured logs without message contents', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aether-logs-'));
    const log = createLogger({ dir: join(dataDir, 'logs') });
    const { host } = start({
      dataDir,
      log,
      modelPath: cachedModel({ preset: 'tiny', type: 'q8_0', script: SCRIPT }),
    });
    const c = await host.bus.invoke('chat.create_conversation', {});
    const done = nextEvent(host, 'chat.turn_finished');
    await host.bus.invoke('chat.send_message', {
      conversationId: c.id,
      text: 'my secret diary entry',
    });
    await done;
    const lines = readFileSync(log.file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.event)).toEqual(
      expect.arrayContaining(['host.started', 'turn.finished']),
    );
    const text = readFileSync(log.file, 'utf8');
    expect(text).not.toContain('secret diary');
    expect(text).not.toContain('Nice to meet');
  });

  it('releases every handler and listener on dispose', async () => {
    const { host } = start();
    const before = host.bus.listenerCount();
    expect(before).toBeGreaterThan(1);
    await host.dispose();
    expect(host.bus.hasHandler('chat.send_message')).toBe(false);
    expect(host.bus.hasHandler('host.get_health')).toBe(false);
    expect(host.bus.listenerCount()).toBe(1); // the test's own subscriber
  });
});

describe('a conversation deleted while its reply streams', () => {
  it('stops the turn and leaves the host idle and serving', async () => {
    const { host } = start({
      modelPath: cachedModel({
        preset: 'tiny',
        type: 'q8_0',
        script: ['la', ' di', ' da,'],
        loop: true,
      }),
      maxTokens: 100_000,
    });
    const c = await host.bus.invoke('chat.create_conversation', {});
    const streaming = nextEvent(host, 'turn.state_changed', (e) => e.payload.state === 'streaming');
    await host.bus.invoke('chat.send_message', { conversationId: c.id, text: 'sing' });
    await streaming;
    await host.bus.invoke('chat.delete_conversation', { id: c.id });
    expect((await host.bus.invoke('turn.get_state', {})).state).toBe('idle');
    // The next conversation gets its reply: the stopped generation did not wedge the router.
    const other = await host.bus.invoke('chat.create_conversation', {});
    const { turnId } = await host.bus.invoke('chat.send_message', {
      conversationId: other.id,
      text: 'again',
    });
    await nextEvent(host, 'router.first_token', (e) => e.payload.turnId === turnId);
    const stopped = nextEvent(host, 'chat.turn_finished');
    await host.bus.invoke('chat.cancel_turn', {});
    expect((await stopped).payload.turn).toMatchObject({
      conversationId: other.id,
      status: 'stopped',
    });
    expect(
      (await host.bus.invoke('chat.list_conversations', {})).conversations.map((x) => x.id),
    ).toEqual([other.id]);
  });
});
