// A remote provider's price per 1,000 tokens, through the real host and a real HTTP server on
// 127.0.0.1: what each request costs is counted in cents, so cent caps apply to it; another
// server starts without the old one's price.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cachedModel } from '../../../scripts/gguf/cache.ts';
import type { Envelope } from '../../bus/index.ts';
import { createHost, type Host } from '../../host/index.ts';
import { approveEverything, nextEvent } from '../../host/testing.ts';
import { centsFor } from './remote-call.ts';
import { startFakeOpenAi, type FakeOpenAi } from './fake-openai.fixture.ts';

let fake: FakeOpenAi;
const hosts: Host[] = [];
beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(() => fake.close());
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
  fake.reset();
});

async function start(price: { prompt: number; completion: number } | null) {
  const host = createHost({
    mode: 'headless',
    dataDir: mkdtempSync(join(tmpdir(), 'aether-prices-')),
    threads: 1,
    modelPath: cachedModel({ preset: 'tiny', type: 'q8_0', script: ['Local', ' reply.'] }),
  });
  hosts.push(host);
  const events: Envelope[] = [];
  host.bus.subscribe((e) => events.push(e));
  approveEverything(host);
  await host.bus.invoke('router.set_remote', {
    baseUrl: fake.baseUrl,
    model: 'gpt-test',
    enabled: true,
    prefer: 'remote',
    centsPer1kTokens: price,
  });
  return { host, events, provider: new URL(fake.baseUrl).host };
}

async function say(host: Host, text: string) {
  const c = await host.bus.invoke('chat.create_conversation', {});
  const done = nextEvent(host, 'chat.turn_finished');
  await host.bus.invoke('chat.send_message', { conversationId: c.id, text });
  return (await done).payload.turn;
}

describe('prices per 1,000 tokens', () => {
  it('are plain arithmetic, and nothing without a price', () => {
    expect(centsFor({ prompt: 50, completion: 150 }, 1000, 2000)).toBe(350);
    expect(centsFor(null, 1000, 2000)).toBe(0);
  });

  it('count what a request cost in cents, against the provider’s spending', async () => {
    const { host, events, provider } = await start({ prompt: 100, completion: 200 });
    fake.script({
      kind: 'reply',
      pieces: ['Far', ' away.'],
      usage: { prompt_tokens: 40, completion_tokens: 10 },
    });
    const turn = await say(host, 'What is the weather?');
    expect(turn.status).toBe('complete');
    const cost = events.find((e): e is Envelope<'router.cost'> => e.name === 'router.cost')!;
    expect(cost.payload.cents).toBeCloseTo((40 * 100 + 10 * 200) / 1000);
    const spent = await host.bus.invoke('policy.get_costs', { provider });
    expect(spent.daily.cents).toBeCloseTo(6);
    expect((await host.bus.invoke('router.get_remote', {})).centsPer1kTokens).toEqual({
      prompt: 100,
      completion: 200,
    });
  });

  it('let a cent cap stop a request that would cost more, falling back to the local model', async () => {
    const { host, events, provider } = await start({ prompt: 1000, completion: 1000 });
    await host.bus.invoke('policy.change', {
      op: 'set_cost_caps',
      provider,
      dailyCents: 1,
      monthlyCents: null,
      dailyTokens: null,
      monthlyTokens: null,
    });
    const turn = await say(host, 'a question whose reply could cost more than a cent');
    expect(turn.assistantText).toBe('Local reply.');
    expect(fake.requests).toHaveLength(0);
    expect(events.some((e) => e.name === 'policy.cost_cap_hit')).toBe(true);
  });

  it('belong to their server: moving to another one drops the price', async () => {
    const { host } = await start({ prompt: 1, completion: 2 });
    await host.bus.invoke('router.set_remote', {
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'other',
      enabled: false,
    });
    expect((await host.bus.invoke('router.get_remote', {})).centsPer1kTokens).toBeNull();
  });
});
