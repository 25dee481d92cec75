// The reflex and quick tiers through the real host, with real inference on two scripted models.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedModel } from '../../scripts/gguf/cache.ts';
import { createHost, type Host } from '../host/index.ts';
import { nextEvent } from '../host/testing.ts';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

function start(modelPath: string | null) {
  const host = createHost({
    mode: 'headless',
    dataDir: mkdtempSync(join(tmpdir(), 'aether-tiers-')),
    threads: 1,
    modelPath,
  });
  hosts.push(host);
  host.bus.on('policy.approval_pending', (e) => {
    void host.bus.invoke('policy.respond_approval', {
      ticketId: e.payload.approval.ticketId,
      requestHash: e.payload.approval.requestHash,
      answer: 'allow',
    });
  });
  return host;
}
async function say(host: Host, text: string) {
  const c = await host.bus.invoke('chat.create_conversation', {});
  const route = nextEvent(host, 'router.route_decided');
  const done = nextEvent(host, 'chat.turn_finished');
  await host.bus.invoke('chat.send_message', { conversationId: c.id, text });
  return { turn: (await done).payload.turn, route: (await route).payload };
}

describe('routing tiers', () => {
  it('answers a greeting by reflex, without a model, and says a model is missing', async () => {
    const host = start(null);
    const states: string[] = [];
    host.bus.on('turn.state_changed', (e) => states.push(e.payload.state));
    const { turn, route } = await say(host, 'hello');
    // L1's reflex tier: the reply moves the turn machine like any other.
    await expect.poll(() => states).toEqual(['classifying', 'reflex', 'idle']);
    expect(route).toMatchObject({ tier: 'reflex', rationale: 'needs no model' });
    expect(turn).toMatchObject({
      status: 'complete',
      model: 'reflex',
      assistantText: expect.stringMatching(/^Hello!.*No model is installed/),
    });
  });

  it('sends short chat to the small model and requests for depth to the main one', async () => {
    const host = start(cachedModel({ preset: 'tiny', type: 'q8_0', script: ['Main', ' reply.'] }));
    const { model } = await host.bus.invoke('models.import', {
      path: cachedModel({ preset: 'tiny', type: 'q8_0', script: ['Quick', ' reply.'] }),
    });
    await host.bus.invoke('models.set_small', { id: model!.id });
    const quick = await say(host, 'how was your day');
    expect(quick.route).toMatchObject({ tier: 'local-small', fallbacks: ['local'] });
    expect(quick.turn.assistantText).toBe('Quick reply.');
    const deep = await say(host, 'explain how a compiler turns source code into machine code');
    expect(deep.route.tier).toBe('local');
    expect(deep.turn.assistantText).toBe('Main reply.');
  });
});
