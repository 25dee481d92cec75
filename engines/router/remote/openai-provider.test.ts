import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from './breaker.ts';
import { startFakeOpenAi, type FakeOpenAi } from './fake-openai.fixture.ts';
import { RemoteProvider } from './openai-provider.ts';

let fake: FakeOpenAi;
beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const waits: number[] = [];
function provider(
  options: { retries?: number; breaker?: CircuitBreaker; idleTimeoutMs?: number } = {},
) {
  return new RemoteProvider(
    { baseUrl: fake.baseUrl, model: 'gpt-test', apiKey: 'sk-secret' },
    {
      monotonic: Date.now,
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
      },
      backoffMs: 100,
      ...options,
    },
  );
}
const ask = { messages: [{ role: 'user' as const, text: 'hi' }], maxTokens: 50, temperature: 0.2 };
const never = new AbortController().signal;

describe('remote OpenAI-compatible provider', () => {
  it('streams a reply over SSE with usage, sending the key only in the Authorization header', async () => {
    fake.script({
      kind: 'reply',
      pieces: ['Hel', 'lo', '!'],
      usage: { prompt_tokens: 9, completion_tokens: 3 },
    });
    const tokens: string[] = [];
    const r = await provider().generate(ask, (t) => tokens.push(t), never);
    expect(r).toMatchObject({ text: 'Hello!', stopReason: 'end', promptTokens: 9, tokens: 3 });
    expect(tokens).toEqual(['Hel', 'lo', '!']);
    const req = fake.requests.at(-1)!;
    expect(req.headers.authorization).toBe('Bearer sk-secret');
    expect(req.body).toMatchObject({
      model: 'gpt-test',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  it('assembles a streamed tool call', async () => {
    fake.script({ kind: 'tool', name: 'files_read', args: '{"path":"notes/todo.md"}' });
    const r = await provider().generate(
      {
        ...ask,
        tools: [{ name: 'files_read', description: 'Read a file', parameters: { type: 'object' } }],
      },
      () => {},
      never,
    );
    expect(r).toMatchObject({
      stopReason: 'tool-calls',
      toolCalls: [{ id: 'call_1', name: 'files_read', arguments: '{"path":"notes/todo.md"}' }],
    });
    expect(fake.requests.at(-1)!.body.tools).toHaveLength(1);
  });

  it('retries 429 and 5xx with backoff and jitter, honouring Retry-After', async () => {
    waits.length = 0;
    fake.script(
      { kind: 'status', status: 429, retryAfter: 2 },
      { kind: 'status', status: 503 },
      { kind: 'reply', pieces: ['fine'] },
    );
    expect((await provider().generate(ask, () => {}, never)).text).toBe('fine');
    expect(waits).toEqual([2000, 150 * 2]); // Retry-After, then 2^1 × 100 ms plus half of it as jitter
  });

  it('gives up after the retries with RemoteUnavailable', async () => {
    fake.script(...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 500 })));
    await expect(provider().generate(ask, () => {}, never)).rejects.toMatchObject({
      code: 'RemoteUnavailable',
    });
  });

  it('surfaces a refused key as RemoteAuthFailed, without retrying', async () => {
    const before = fake.requests.length;
    fake.script({ kind: 'status', status: 401 });
    await expect(provider().generate(ask, () => {}, never)).rejects.toMatchObject({
      code: 'RemoteAuthFailed',
      message: expect.stringMatching(/refused the API key/),
    });
    expect(fake.requests.length - before).toBe(1);
  });

  it('fails a stream that breaks off or stalls, with a clear error', async () => {
    fake.script({ kind: 'disconnect', after: ['par', 'tial'] });
    await expect(provider().generate(ask, () => {}, never)).rejects.toMatchObject({
      code: 'RemoteFailed',
      message: expect.stringMatching(/broke off|ended before/),
    });
    fake.script({ kind: 'stall', after: ['x'] });
    await expect(
      provider({ idleTimeoutMs: 200 }).generate(ask, () => {}, never),
    ).rejects.toMatchObject({
      code: 'RemoteFailed',
      message: expect.stringMatching(/stopped sending/),
    });
  });

  it('opens the circuit after repeated failures and fails fast until it cools down', async () => {
    let t = 0;
    const breaker = new CircuitBreaker({ threshold: 2, coolDownMs: 1000, monotonic: () => t });
    fake.script(
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
      { kind: 'reply', pieces: ['back'] },
    );
    const p = provider({ retries: 0, breaker });
    await expect(p.generate(ask, () => {}, never)).rejects.toMatchObject({
      code: 'RemoteUnavailable',
    });
    await expect(p.generate(ask, () => {}, never)).rejects.toMatchObject({
      code: 'RemoteUnavailable',
    });
    expect(breaker.state).toBe('open');
    await expect(p.generate(ask, () => {}, never)).rejects.toMatchObject({
      message: expect.stringMatching(/waits a little/),
    });
    expect(fake.requests).toHaveLength(2); // failing fast: nothing was sent
    t = 1500; // cooled down: one trial goes through, and it succeeds
    expect((await p.generate(ask, () => {}, never)).text).toBe('back');
    expect(breaker.state).toBe('closed');
  });

  it('stops when cancelled and returns what arrived', async () => {
    fake.script({ kind: 'stall', after: ['some', ' words'] });
    const abort = new AbortController();
    const r = await provider().generate(
      ask,
      (t) => {
        if (t === ' words') abort.abort();
      },
      abort.signal,
    );
    expect(r).toMatchObject({ stopReason: 'cancelled', text: 'some words' });
  });
});
