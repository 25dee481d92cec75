// Routing to a remote model through the real host: the policy gate, the payload shown in the
// approval, fallback to the local model, one cost event per remote request, keys never shown.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cachedModel } from '../../../scripts/gguf/cache.ts';
import type { Approval, Envelope } from '../../bus/index.ts';
import { createHost, type Host } from '../../host/index.ts';
import { nextEvent } from '../../host/testing.ts';
import { startFakeOpenAi, type FakeOpenAi } from './fake-openai.fixture.ts';

const KEY = 'sk-very-secret-key-123';
let fake: FakeOpenAi;
const hosts: Host[] = [];
beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

async function start(options: { local?: boolean; answer?: 'allow' | 'deny' } = {}) {
  const host = createHost({
    mode: 'headless',
    dataDir: mkdtempSync(join(tmpdir(), 'aether-remote-')),
    threads: 1,
    modelPath: options.local
      ? cachedModel({ preset: 'tiny', type: 'q8_0', script: ['Local', ' reply.'] })
      : null,
  });
  hosts.push(host);
  const events: Envelope[] = [];
  const approvals: Approval[] = [];
  host.bus.subscribe((e) => events.push(e));
  host.bus.on('policy.approval_pending', (e) => {
    // Setting up the server is the user's own yes; what the test is about is every remote request.
    const setup = e.payload.approval.capability === 'router.configure';
    if (!setup) approvals.push(e.payload.approval);
    void host.bus.invoke('policy.respond_approval', {
      ticketId: e.payload.approval.ticketId,
      requestHash: e.payload.approval.requestHash,
      answer: setup ? 'allow' : (options.answer ?? 'allow'),
    });
  });
  await host.bus.invoke('router.set_remote', {
    baseUrl: fake.baseUrl,
    model: 'gpt-test',
    apiKey: KEY,
    enabled: true,
    prefer: 'remote',
  });
  return { host, events, approvals };
}

async function say(host: Host, text: string) {
  const c = await host.bus.invoke('chat.create_conversation', {});
  const done = nextEvent(host, 'chat.turn_finished');
  await host.bus.invoke('chat.send_message', { conversationId: c.id, text });
  return (await done).payload.turn;
}

/** A host whose only persona is the given pack, with a local model and a remote one set up (the
 *  user has not chosen between them); every approval is answered yes. */
async function withPersona(yaml: string[]) {
  const personas = mkdtempSync(join(tmpdir(), 'aether-personas-'));
  mkdirSync(join(personas, 'default'));
  writeFileSync(join(personas, 'default', 'persona.yaml'), yaml.join('\n'));
  const host = createHost({
    mode: 'headless',
    dataDir: mkdtempSync(join(tmpdir(), 'aether-remote-')),
    threads: 1,
    resources: { personasDir: personas },
    modelPath: cachedModel({ preset: 'tiny', type: 'q8_0', script: ['Local', ' reply.'] }),
  });
  hosts.push(host);
  host.bus.on('policy.approval_pending', (e) => {
    void host.bus.invoke('policy.respond_approval', {
      ticketId: e.payload.approval.ticketId,
      requestHash: e.payload.approval.requestHash,
      answer: 'allow',
    });
  });
  const routes: string[] = [];
  host.bus.on('router.route_decided', (e) =>
    routes.push(`${e.payload.tier}: ${e.payload.rationale}`),
  );
  await host.bus.invoke('router.set_remote', {
    baseUrl: fake.baseUrl,
    model: 'gpt-test',
    apiKey: KEY,
    enabled: true,
  });
  return { host, routes };
}

describe('remote routing', () => {
  it('asks before sending, shows the exact payload, streams the reply and emits one cost event', async () => {
    const { host, events, approvals } = await start();
    fake.script({
      kind: 'reply',
      pieces: ['From', ' far', ' away.'],
      usage: { prompt_tokens: 40, completion_tokens: 3 },
    });
    const turn = await say(host, 'What is the weather?');
    expect(turn).toMatchObject({
      status: 'complete',
      assistantText: 'From far away.',
      model: 'gpt-test',
    });
    expect(approvals).toHaveLength(1);
    expect(approvals[0]).toMatchObject({
      capability: 'router.remote',
      resource: expect.stringMatching(/^127\.0\.0\.1:\d+\/gpt-test$/),
    });
    expect(approvals[0].preview).toContain('What is the weather?');
    expect(fake.requests[0].body.messages.at(-1)).toEqual({
      role: 'user',
      content: 'What is the weather?',
    });
    const costs = events.filter((e): e is Envelope<'router.cost'> => e.name === 'router.cost');
    expect(costs.map((e) => e.payload)).toEqual([
      expect.objectContaining({ promptTokens: 40, completionTokens: 3, ok: true }),
    ]);
    expect(events.find((e) => e.name === 'router.route_decided')?.payload).toMatchObject({
      tier: 'remote',
      fallbacks: [],
    });
    // The key travels only to the provider: not in events, not in the view, not in the audit log.
    expect(JSON.stringify(events)).not.toContain(KEY);
    const view = await host.bus.invoke('router.get_remote', {});
    expect(view.keyFingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(JSON.stringify(view)).not.toContain(KEY);
    const { rows } = await host.bus.invoke('policy.list_audit', { limit: 50 });
    expect(JSON.stringify(rows)).not.toContain(KEY);
    expect(rows.some((r) => r.capability === 'router.remote' && r.decision === 'done')).toBe(true);
  });

  it('never sends private context without router.remote_with_private', async () => {
    const { host, approvals } = await start({ answer: 'deny' });
    await expect(
      host.bus.invoke('router.generate', {
        turnId: 't-private',
        messages: [
          { role: 'system', text: "Memory: the user's sister is Ada.", private: true },
          { role: 'user', text: 'hi' },
        ],
      }),
    ).rejects.toMatchObject({ code: 'RemoteUnavailable' });
    expect(approvals[0].capability).toBe('router.remote_with_private');
    expect(fake.requests).toHaveLength(0);
  });

  it('keeps it local when the user says no, and falls back to the local model', async () => {
    const { host, events } = await start({ local: true, answer: 'deny' });
    const turn = await say(host, 'tell me something');
    expect(turn).toMatchObject({ status: 'complete', assistantText: 'Local reply.' });
    expect(fake.requests).toHaveLength(0);
    const routes = events
      .filter((e): e is Envelope<'router.route_decided'> => e.name === 'router.route_decided')
      .map((e) => e.payload);
    expect(routes.map((r) => r.tier)).toEqual(['remote', 'local']);
    expect(routes[1].rationale).toMatch(/not used/);
    expect(events.filter((e) => e.name === 'router.cost')).toHaveLength(1);
  });

  it('a request from an API client never leaves a card waiting: it is refused at once and stays local', async () => {
    const { host, approvals } = await start({ local: true });
    fake.script({ kind: 'reply', pieces: ['never'] });
    const r = await host.bus.invoke(
      'router.generate',
      {
        turnId: 'api-1',
        messages: [{ role: 'user', text: 'tell me something long and thoughtful' }],
      },
      { origin: 'api' },
    );
    expect(approvals).toEqual([]);
    expect(fake.requests).toHaveLength(0);
    expect(r.text).toBe('Local reply.');
    const { rows } = await host.bus.invoke('policy.list_audit', {
      limit: 20,
      capability: 'router.remote',
    });
    expect(rows.find((row) => row.kind === 'policy.decision')).toMatchObject({
      decision: 'deny',
      reason: 'api-cannot-ask',
      actor: 'api',
    });
  });

  it('tells the user when the remote provider refuses the key', async () => {
    const { host } = await start();
    fake.script({ kind: 'status', status: 401 });
    const turn = await say(host, 'tell me something');
    expect(turn.status).toBe('error');
    expect(turn.error?.message).toMatch(/refused the API key/);
  });

  it('falls back to local when the spending cap is reached', async () => {
    const { host, events } = await start({ local: true });
    await host.bus.invoke('policy.change', {
      op: 'set_cost_caps',
      provider: new URL(fake.baseUrl).host,
      dailyCents: null,
      monthlyCents: null,
      dailyTokens: 10,
      monthlyTokens: null,
    });
    const turn = await say(host, 'a long question that needs more than ten tokens of budget');
    expect(turn.assistantText).toBe('Local reply.');
    expect(fake.requests).toHaveLength(0);
    expect(events.some((e) => e.name === 'policy.cost_cap_hit')).toBe(true);
  });

  it('can send without the private parts, when the user chooses so', async () => {
    const host = createHost({
      mode: 'headless',
      dataDir: mkdtempSync(join(tmpdir(), 'aether-remote-')),
      threads: 1,
    });
    hosts.push(host);
    host.bus.on('policy.approval_pending', (e) => {
      const { approval } = e.payload;
      if (approval.capability === 'router.configure') {
        void host.bus.invoke('policy.respond_approval', {
          ticketId: approval.ticketId,
          requestHash: approval.requestHash,
          answer: 'allow',
        });
        return;
      }
      expect(approval.variants.map((v) => v.id)).toEqual(['without-private']);
      void host.bus.invoke('policy.respond_approval', {
        ticketId: approval.ticketId,
        requestHash: approval.requestHash,
        answer: 'allow',
        variant: 'without-private',
      });
    });
    await host.bus.invoke('router.set_remote', {
      baseUrl: fake.baseUrl,
      model: 'gpt-test',
      apiKey: KEY,
      enabled: true,
      prefer: 'remote',
    });
    fake.script({ kind: 'reply', pieces: ['ok'] });
    const r = await host.bus.invoke('router.generate', {
      turnId: 't-redact',
      messages: [
        { role: 'system', text: 'You are kind.' },
        { role: 'system', text: "Memory: the user's sister is Ada.", private: true },
        { role: 'user', text: 'hi' },
      ],
    });
    expect(r.text).toBe('ok');
    const sent = JSON.stringify(fake.requests[0].body.messages);
    expect(sent).not.toContain('Ada');
    expect(sent).toContain('You are kind.');
  });

  it("follows the persona's preferred tier, unless the user chose one", async () => {
    const { host, routes } = await withPersona([
      'schema_version: 1',
      'id: default',
      'display_name: Far',
      'system_prompt: You like remote models.',
      'routing:',
      '  preferred_tier: remote',
    ]);
    fake.script({ kind: 'reply', pieces: ['Remote', ' reply.'] });
    expect((await say(host, 'tell me about your morning routine in detail')).assistantText).toBe(
      'Remote reply.',
    );
    expect(routes.at(-1)).toBe('remote: the persona prefers the remote model');
    await host.bus.invoke('router.set_remote', {
      baseUrl: fake.baseUrl,
      model: 'gpt-test',
      enabled: true,
      prefer: 'local',
    });
    expect((await say(host, 'tell me about your morning routine in detail')).assistantText).toBe(
      'Local reply.',
    );
    expect(routes.at(-1)).toMatch(/^local:/);
  });

  it('keeps replies local under a strict persona, unless the user chose the remote model', async () => {
    const { host, routes } = await withPersona([
      'schema_version: 2',
      'id: default',
      'display_name: Near',
      'system_prompt: Stay home.',
      'routing:',
      '  preferred_tier: remote',
      '  privacy_posture: strict',
    ]);
    fake.script({ kind: 'reply', pieces: ['Remote', ' reply.'] });
    expect((await say(host, 'tell me about your morning routine in detail')).assistantText).toBe(
      'Local reply.',
    );
    expect(routes.at(-1)).toBe('local: the persona keeps replies on this machine');
    await host.bus.invoke('router.set_remote', {
      baseUrl: fake.baseUrl,
      model: 'gpt-test',
      enabled: true,
      prefer: 'remote',
    });
    expect((await say(host, 'tell me about your morning routine in detail')).assistantText).toBe(
      'Remote reply.',
    );
  });
});
