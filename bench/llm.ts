// npm run bench:llm -- [--runs N] [--tokens N] [--threads N] [--preset smollm2-135m] [--type q8_0]
// The same generated model, the same prompts, the same threads: Aether's local provider (model in
// a child process, streamed over IPC) against bare node-llama-cpp in this process. Prints JSON.
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { getLlama, LlamaChat, LlamaLogLevel, type ChatHistoryItem } from 'node-llama-cpp';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createHost,
  forkWorker,
  silentLogger,
  sourceResources,
  startServer,
} from '../engines/host/index.ts';
import { defaultThreads, LocalProvider } from '../engines/router/index.ts';
import { cachedModel } from '../scripts/gguf/cache.ts';
import type { PresetName, WeightTypeName } from '../scripts/gguf/make-model.ts';
import { loadPersona } from '../engines/persona/index.ts';
import { round, summary } from './stats.ts';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    tokens: { type: 'string', default: '48' },
    threads: { type: 'string' },
    preset: { type: 'string', default: 'smollm2-135m' },
    type: { type: 'string', default: 'q8_0' },
    reply: { type: 'string', default: 'scripted' },
  },
});

// By default the model is scripted to answer in plain words, as a trained model would: its reply
// re-tokenizes to the same tokens on the next turn, so context reuse is measured as users get it.
// `--reply random` uses random weights, whose gibberish (stray byte tokens) often does not.
const REPLY = [
  'Sure!',
  ' A',
  ' quick',
  ' warm',
  ' idea:',
  ' ginger',
  ' noodle',
  ' soup',
  ' with',
  ' garlic,',
  ' spinach',
  ' and',
  ' an',
  ' egg.',
  ' It',
  ' takes',
  ' about',
  ' twenty',
  ' minutes',
  ' from',
  ' start',
  ' to',
  ' table,',
  ' so',
  ' you',
  ' can',
  ' relax',
  ' after',
  ' your',
  ' walk.',
];
const runs = Number(opts.runs);
const maxTokens = Number(opts.tokens);
const threads = opts.threads ? Number(opts.threads) : defaultThreads();
const modelPath = cachedModel({
  preset: opts.preset as PresetName,
  type: opts.type as WeightTypeName,
  ...(opts.reply === 'random' ? {} : { script: REPLY }),
});
const contextSize = 2048;
const persona = loadPersona(sourceResources.personasDir, 'default');

type Msg = { role: 'system' | 'user' | 'assistant'; text: string };
// Each run opens a new conversation: the system prompt starts differently, so no run reuses
// another's cache, and the first turn pays for its whole prompt as a real first turn does.
const firstTurn = (run: number): Msg[] => [
  { role: 'system', text: `Conversation ${run}. ${persona.systemPrompt}` },
  {
    role: 'user',
    text: 'Hello! I just got back from a long walk by the river and I am thinking about what to cook tonight. Any ideas for something quick and warm?',
  },
];
const secondTurn = (first: Msg[], reply: string): Msg[] => [
  ...first,
  { role: 'assistant', text: reply },
  { role: 'user', text: 'That sounds good. How long would it take?' },
];

type Sample = { ttftMs: number; tokensPerSecond: number; tokens: number; text: string };

async function bareSide() {
  const llama = await getLlama({
    gpu: false,
    maxThreads: threads,
    logLevel: LlamaLogLevel.error,
    build: 'never',
  });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize, threads });
  const chat = new LlamaChat({ contextSequence: context.getSequence() });
  const toHistory = (messages: Msg[]): ChatHistoryItem[] => [
    ...messages.map((m): ChatHistoryItem =>
      m.role === 'system'
        ? { type: 'system', text: m.text }
        : m.role === 'user'
          ? { type: 'user', text: m.text }
          : { type: 'model', response: [m.text] },
    ),
    { type: 'model', response: [] },
  ];
  return async (messages: Msg[]): Promise<Sample> => {
    const start = performance.now();
    let first = 0;
    let tokens = 0;
    const result = await chat.generateResponse(toHistory(messages), {
      maxTokens,
      temperature: 0,
      onToken: (t) => {
        tokens += t.length;
      },
      onTextChunk: () => {
        if (!first) first = performance.now();
      },
    });
    const end = performance.now();
    return {
      ttftMs: first - start,
      tokensPerSecond: ((tokens - 1) * 1000) / (end - first),
      tokens,
      text: result.response,
    };
  };
}

async function aetherSide() {
  const provider = new LocalProvider({
    spawnWorker: forkWorker(sourceResources.workerEntry),
    modelPath,
    threads,
    contextSize,
    gpu: 'off',
    monotonic: () => performance.now(),
  });
  await provider.load();
  let id = 0;
  const generate = async (messages: Msg[]): Promise<Sample> => {
    const r = await provider.generate(
      { id: `b${++id}`, messages, maxTokens, temperature: 0 },
      () => {},
    );
    return {
      ttftMs: r.ttftMs ?? NaN,
      tokensPerSecond: r.tokensPerSecond ?? NaN,
      tokens: r.tokens,
      text: r.text,
    };
  };
  return { generate, provider };
}

async function cancelLatency(provider: LocalProvider): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < 5; i++) {
    let cancelAt = 0;
    await provider.generate(
      { id: `c${i}`, messages: firstTurn(1000 + i), maxTokens: 4096, temperature: 0.8 },
      (_t, index) => {
        if (index === 8) {
          cancelAt = performance.now();
          provider.cancel(`c${i}`);
        }
      },
    );
    if (cancelAt) latencies.push(performance.now() - cancelAt);
  }
  return latencies;
}

const bare = await bareSide();
const aether = await aetherSide();
const samples = {
  bare: { first: [] as Sample[], second: [] as Sample[] },
  aether: { first: [] as Sample[], second: [] as Sample[] },
};
for (let run = 0; run <= runs; run++) {
  // Alternate which side goes first so neither always runs on a warmer machine; run 0 warms up.
  const order = run % 2 === 0 ? (['bare', 'aether'] as const) : (['aether', 'bare'] as const);
  for (const side of order) {
    const gen = side === 'bare' ? bare : aether.generate;
    const first = await gen(firstTurn(run));
    const second = await gen(secondTurn(firstTurn(run), first.text));
    if (run > 0) {
      samples[side].first.push(first);
      samples[side].second.push(second);
    }
  }
}
const cancels = await cancelLatency(aether.provider);
aether.provider.dispose();

// ── The OpenAI-compatible API vs the same request in-process, on one host ──
async function apiOverhead() {
  const host = createHost({
    mode: 'headless',
    dataDir: mkdtempSync(join(tmpdir(), 'aether-bench-api-')),
    threads,
    modelPath,
  });
  const server = await startServer({
    host,
    port: 0,
    log: silentLogger,
    apiKey: 'bench-key',
    apiRatePerMinute: 100_000,
  });
  const messages = firstTurn(0).map((m) => ({ role: m.role, text: m.text }));
  const direct: number[] = [];
  const api: number[] = [];
  for (let i = 0; i <= runs * 2; i++) {
    let t = performance.now();
    await host.bus.invoke('router.generate', {
      turnId: `d${i}`,
      messages,
      maxTokens,
      temperature: 0,
    });
    const d = performance.now() - t;
    t = performance.now();
    const res = await fetch(`http://127.0.0.1:${server.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer bench-key', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'aether',
        max_tokens: maxTokens,
        temperature: 0,
        messages: messages.map((m) => ({ role: m.role, content: m.text })),
      }),
    });
    await res.json();
    const a = performance.now() - t;
    if (i > 0) {
      direct.push(d);
      api.push(a);
    } // the first pair warms the context up
  }
  await server.close();
  await host.dispose();
  return {
    inProcessMs: summary(direct),
    apiMs: summary(api),
    overheadMsP50: round(summary(api).p50 - summary(direct).p50),
  };
}
const api = await apiOverhead();

const stats = (s: { first: Sample[]; second: Sample[] }) => ({
  firstTurnTtftMs: summary(s.first.map((x) => x.ttftMs)),
  secondTurnTtftMs: summary(s.second.map((x) => x.ttftMs)),
  tokensPerSecond: summary([...s.first, ...s.second].map((x) => x.tokensPerSecond)),
  tokensPerReply: summary([...s.first, ...s.second].map((x) => x.tokens)),
});
const b = stats(samples.bare);
const a = stats(samples.aether);
const sameOutput = samples.bare.first.every((s, i) => s.text === samples.aether.first[i].text);
const result = {
  bench: 'llm',
  model: {
    preset: opts.preset,
    type: opts.type,
    reply: opts.reply,
    bytes: statSync(modelPath).size,
  },
  threads,
  runs,
  maxTokens,
  contextSize,
  bare: b,
  aether: { ...a, cancelLatencyMs: summary(cancels) },
  openAiApi: api,
  sameOutputAsBare: sameOutput,
  comparison: {
    tokensPerSecondRatio: round(a.tokensPerSecond.p50 / b.tokensPerSecond.p50, 3),
    ttftOverheadMs: round(a.firstTurnTtftMs.p50 - b.firstTurnTtftMs.p50),
    secondTurnTtftRatio: round(a.secondTurnTtftMs.p50 / a.firstTurnTtftMs.p50, 3),
    bareSecondTurnTtftRatio: round(b.secondTurnTtftMs.p50 / b.firstTurnTtftMs.p50, 3),
  },
  targets: {
    tokensPerSecondRatio: '>= 0.95',
    ttftOverheadMs: '<= 30',
    secondTurnTtftRatio: '<= 0.40',
    cancelLatencyMs: '<= 150',
  },
};
const c = result.comparison;
console.log(
  JSON.stringify(
    {
      ...result,
      met: {
        tokensPerSecondRatio: c.tokensPerSecondRatio >= 0.95,
        ttftOverheadMs: c.ttftOverheadMs <= 30,
        secondTurnTtftRatio: c.secondTurnTtftRatio <= 0.4,
        cancelLatencyMs: result.aether.cancelLatencyMs.p95 <= 150,
      },
    },
    null,
    2,
  ),
);
process.exit(0);
