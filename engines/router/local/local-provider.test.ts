import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedModel } from '../../../scripts/gguf/cache.ts';
import { forkWorker, sourceResources } from '../../host/index.ts';
import { LocalProvider } from './local-provider.ts';
import type { WorkerHandle } from './protocol.ts';

const SCRIPT = ['Hi', ' there,', ' I', ' am', ' Aether.'];
const providers: LocalProvider[] = [];

function provider(modelPath: string, spawn = forkWorker(sourceResources.workerEntry)) {
  const states: string[] = [];
  const p = new LocalProvider({
    spawnWorker: spawn,
    modelPath,
    threads: 1,
    contextSize: 1024,
    gpu: 'off',
    monotonic: () => performance.now(),
    onStateChange: (s) => states.push(s),
  });
  providers.push(p);
  return { p, states };
}

const ask = (text: string) => [
  { role: 'system' as const, text: 'You are brief.' },
  { role: 'user' as const, text },
];

afterEach(() => {
  for (const p of providers.splice(0)) p.dispose();
});

describe('local provider (real node-llama-cpp in a child process)', () => {
  it('streams tokens that add up to the reply, with timing', async () => {
    const { p, states } = provider(cachedModel({ preset: 'tiny', type: 'q8_0', script: SCRIPT }));
    const chunks: string[] = [];
    const result = await p.generate(
      { id: 'g1', messages: ask('hello'), maxTokens: 64, temperature: 0.7 },
      (t) => chunks.push(t),
    );
    expect(result.text).toBe('Hi there, I am Aether.');
    expect(chunks.join('')).toBe(result.text);
    expect(chunks.length).toBeGreaterThan(1);
    expect(result.stopReason).toBe('end');
    expect(result.ttftMs).toBeGreaterThan(0);
    expect(result.tokens).toBe(SCRIPT.length);
    expect(states).toEqual(expect.arrayContaining(['loading', 'ready', 'generating']));
  });

  it('stops a long generation promptly when cancelled, keeping what was said', async () => {
    const { p } = provider(
      cachedModel({ preset: 'tiny', type: 'q8_0', script: ['la', ' di', ' da,'], loop: true }),
    );
    await p.load();
    let cancelAt = 0;
    let tokens = 0;
    const pending = p.generate(
      { id: 'long', messages: ask('sing'), maxTokens: 200_000, temperature: 0 },
      () => {
        if (++tokens === 20) {
          cancelAt = performance.now();
          expect(p.cancel('long')).toBe(true);
        }
      },
    );
    const result = await pending;
    expect(cancelAt).toBeGreaterThan(0);
    expect(result.stopReason).toBe('cancelled');
    expect(result.text.startsWith('la di da,la di da,')).toBe(true);
    expect(result.tokens).toBeLessThan(200_000);
    // How fast it stops is a number, not a pass/fail here: bench:llm measures cancelLatencyMs (target p95 ≤ 150 ms).
  });

  it('reports a truncated GGUF as ModelLoadFailed, and the next good model still works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aether-bad-'));
    const good = cachedModel({ preset: 'tiny', type: 'q8_0', script: SCRIPT });
    const bad = join(dir, 'truncated.gguf');
    writeFileSync(bad, readFileSync(good).subarray(0, 40_000));
    const { p, states } = provider(bad);
    await expect(p.load()).rejects.toMatchObject({ code: 'ModelLoadFailed' });
    expect(states.at(-1)).toBe('error');
    await expect(
      p.generate({ id: 'x', messages: ask('hi'), maxTokens: 8, temperature: 0 }, () => {}),
    ).rejects.toMatchObject({ code: 'ModelLoadFailed' });
    const { p: fine } = provider(good);
    expect(
      (
        await fine.generate(
          { id: 'y', messages: ask('hi'), maxTokens: 64, temperature: 0 },
          () => {},
        )
      ).text,
    ).toBe('Hi there, I am Aether.');
  });

  it('fails the turn with ModelCrashed when the process dies, then respawns for the next one', async () => {
    const spawn = forkWorker(sourceResources.workerEntry);
    let current: WorkerHandle | null = null;
    const { p, states } = provider(
      cachedModel({ preset: 'tiny', type: 'q8_0', script: ['la', ' di', ' da,'], loop: true }),
      () => (current = spawn()),
    );
    await p.load();
    const doomed = p.generate(
      { id: 'd', messages: ask('sing'), maxTokens: 200_000, temperature: 0 },
      (_t, i) => {
        if (i === 5) current!.kill();
      },
    );
    await expect(doomed).rejects.toMatchObject({ code: 'ModelCrashed' });
    expect(states.at(-1)).toBe('degraded');
    const next = await p.generate(
      { id: 'n', messages: ask('again'), maxTokens: 6, temperature: 0 },
      () => {},
    );
    expect(next.text).toBe('la di da,la di da,');
  });
});

describe('grammars and embeddings', () => {
  it('constrains a reply to a JSON schema (random weights, valid JSON)', async () => {
    const { p } = provider(cachedModel({ preset: 'tiny', type: 'q8_0' }));
    const schema = {
      type: 'object',
      properties: {
        mood: { type: 'string', enum: ['happy', 'sad', 'curious'] },
        ok: { type: 'boolean' },
      },
    };
    for (let i = 0; i < 3; i++) {
      const r = await p.generate(
        {
          id: `j${i}`,
          messages: ask('how are you?'),
          maxTokens: 60,
          temperature: 0.9,
          jsonSchema: schema,
        },
        () => {},
      );
      const parsed = JSON.parse(r.text) as { mood: string; ok: boolean };
      expect(['happy', 'sad', 'curious']).toContain(parsed.mood);
      expect(typeof parsed.ok).toBe('boolean');
    }
  });

  it('embeds texts with an embedding model in its own process', async () => {
    const { p } = provider(cachedModel({ preset: 'tiny', type: 'q8_0' }));
    const embedder = new LocalProvider({
      spawnWorker: forkWorker(sourceResources.workerEntry),
      modelPath: cachedModel({ preset: 'tiny', type: 'q8_0' }),
      threads: 1,
      contextSize: 512,
      gpu: 'off',
      monotonic: () => performance.now(),
      purpose: 'embedding',
    });
    providers.push(embedder);
    const [a, b, a2] = await embedder.embed([
      'my sister is Ada',
      'the weather is nice',
      'my sister is Ada',
    ]);
    expect(a).toHaveLength(128);
    expect(a2).toEqual(a);
    expect(b).not.toEqual(a);
    // A chat model's process refuses embedding requests with a clear error.
    await expect(p.embed(['x'])).rejects.toMatchObject({ code: 'GenerationFailed' });
  });
});
