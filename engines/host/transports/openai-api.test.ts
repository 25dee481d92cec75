// The OpenAI-compatible API, driven by the unmodified `openai` npm client against a real host
// with real inference on a scripted model.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedModel } from '../../../scripts/gguf/cache.ts';
import { createHost, type Host } from '../create-host.ts';
import { silentLogger } from '../logger.ts';
import { startServer, type RunningServer } from './http-server.ts';

const SCRIPT = ['Hello', ' from', ' Aether', '.'];
const KEY = 'aether-test-key-0123456789';
let host: Host;
let server: RunningServer;
let client: OpenAI;
let base: string;

beforeAll(async () => {
  host = createHost({
    mode: 'headless',
    dataDir: mkdtempSync(join(tmpdir(), 'aether-api-')),
    threads: 1,
    modelPath: cachedModel({ preset: 'tiny', type: 'q8_0', script: SCRIPT }),
  });
  server = await startServer({
    host,
    port: 0,
    log: silentLogger,
    apiKey: KEY,
    apiRatePerMinute: 600,
  });
  base = `http://127.0.0.1:${server.port}/v1`;
  client = new OpenAI({ baseURL: base, apiKey: KEY, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  await host.dispose();
});

describe('OpenAI-compatible API', () => {
  it('lists models', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(
      expect.arrayContaining(['aether', expect.stringMatching(/\.gguf$/)]),
    );
  });

  it('answers a chat completion, with usage', async () => {
    const r = await client.chat.completions.create({
      model: 'aether',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi!' },
      ],
    });
    expect(r.choices[0].message).toMatchObject({
      role: 'assistant',
      content: 'Hello from Aether.',
    });
    expect(r.choices[0].finish_reason).toBe('stop');
    expect(r.usage?.completion_tokens).toBe(SCRIPT.length);
    expect(r.usage?.prompt_tokens).toBeGreaterThan(5);
  });

  it('streams a chat completion as server-sent events', async () => {
    const stream = await client.chat.completions.create({
      model: 'aether',
      stream: true,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi again' }] }],
    });
    const deltas: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      deltas.push(chunk.choices[0]?.delta?.content ?? '');
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(deltas.join('')).toBe('Hello from Aether.');
    expect(deltas.filter(Boolean).length).toBeGreaterThan(1);
    expect(finish).toBe('stop');
  });

  it('stops at max_tokens and says so', async () => {
    const r = await client.chat.completions.create({
      model: 'aether',
      max_tokens: 2,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(r.choices[0]).toMatchObject({
      finish_reason: 'length',
      message: { content: 'Hello from' },
    });
  });

  it('refuses a wrong key, a bad body and an oversized one', async () => {
    const intruder = new OpenAI({ baseURL: base, apiKey: 'wrong', maxRetries: 0 });
    await expect(intruder.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(
      client.chat.completions.create({ model: 'aether', messages: [] }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const huge = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(2 * 1024 * 1024) }] }),
    });
    expect(huge.status).toBe(413);
    const foreign = await fetch(`${base}/models`, {
      headers: { authorization: `Bearer ${KEY}`, origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
  });

  it('records each request in the audit log', async () => {
    const { rows } = await host.bus.invoke('policy.list_audit', { limit: 200 });
    expect(rows.filter((r) => r.kind === 'api.chat_completion').length).toBeGreaterThanOrEqual(3);
  });
});

describe('API rate limit', () => {
  it('answers 429 with Retry-After once a key has used its share', async () => {
    const limited = await startServer({
      host,
      port: 0,
      log: silentLogger,
      apiKey: KEY,
      apiRatePerMinute: 3,
    });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`http://127.0.0.1:${limited.port}/v1/models`, {
        headers: { authorization: `Bearer ${KEY}` },
      });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    await limited.close();
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});

describe('tools passed through the API', () => {
  it("returns the model's proposed call to the client, as OpenAI does, without running it", async () => {
    const script = [
      '<tool_call>',
      '{"name": "get_weather", "arguments": {"city": "Paris"}}',
      '</tool_call>',
    ];
    const toolHost = createHost({
      mode: 'headless',
      dataDir: mkdtempSync(join(tmpdir(), 'aether-api-tools-')),
      threads: 1,
      modelPath: cachedModel({ preset: 'tiny', type: 'q8_0', script }),
    });
    const toolServer = await startServer({
      host: toolHost,
      port: 0,
      log: silentLogger,
      apiKey: KEY,
    });
    const c = new OpenAI({
      baseURL: `http://127.0.0.1:${toolServer.port}/v1`,
      apiKey: KEY,
      maxRetries: 0,
    });
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    ];
    try {
      const r = await c.chat.completions.create({
        model: 'aether',
        tools,
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
      });
      expect(r.choices[0].finish_reason).toBe('tool_calls');
      expect(r.choices[0].message.tool_calls?.[0]).toMatchObject({
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      });
      const stream = await c.chat.completions.create({
        model: 'aether',
        tools,
        stream: true,
        messages: [{ role: 'user', content: 'Weather?' }],
      });
      let name = '';
      let finish: string | null = null;
      for await (const chunk of stream) {
        name += chunk.choices[0]?.delta?.tool_calls?.[0]?.function?.name ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(name).toBe('get_weather');
      expect(finish).toBe('tool_calls');
      // Nothing ran on this machine: no policy action was performed for it.
      const { rows } = await toolHost.bus.invoke('policy.list_audit', { limit: 50 });
      expect(rows.filter((row) => row.kind === 'policy.decision')).toEqual([]);
    } finally {
      await toolServer.close();
      await toolHost.dispose();
    }
  });
});
