// The model process: node-llama-cpp lives here, so a bad GGUF that aborts takes down only this
// process. Runs under child_process.fork (headless) or Electron's utilityProcess (desktop).
import { basename } from 'node:path';
import {
  getLlama,
  LlamaChat,
  LlamaLogLevel,
  type ChatHistoryItem,
  type Llama,
  type LlamaContext,
  type LlamaEmbeddingContext,
  type LlamaGrammar,
  type LlamaModel,
} from 'node-llama-cpp';
import { toWorker, type FromWorker, type ToWorker } from './protocol.ts';

type ParentPort = {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
};
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(message: FromWorker): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

let llama: Llama | null = null;
let model: LlamaModel | null = null;
let context: LlamaContext | null = null;
let conversation: LlamaChat | null = null;
/** Engine work's own sequence: the conversation's KV cache is left as it was. */
let background: LlamaChat | null = null;
let embedding: LlamaEmbeddingContext | null = null;
const grammars = new Map<string, Promise<LlamaGrammar>>();
const running = new Map<string, AbortController>();
// Generations run one at a time (either sequence); the queue keeps their order.
let queue: Promise<void> = Promise.resolve();

async function load(request: Extract<ToWorker, { type: 'load' }>): Promise<void> {
  try {
    llama = await getLlama({
      gpu: request.gpu === 'off' ? false : 'auto',
      // On small machines node-llama-cpp's default thread count starves generation (MACHINE-FACTS).
      maxThreads: request.threads,
      logLevel: LlamaLogLevel.error,
      build: 'never',
    });
    model = await llama.loadModel({ modelPath: request.modelPath });
    const contextSize = Math.min(request.contextSize, model.trainContextSize);
    if (request.purpose === 'embedding') {
      embedding = await model.createEmbeddingContext({ contextSize, threads: request.threads });
    } else {
      context = await model.createContext({ contextSize, threads: request.threads, sequences: 2 });
      conversation = new LlamaChat({ contextSequence: context.getSequence() });
      background = new LlamaChat({ contextSequence: context.getSequence() });
    }
    send({
      type: 'loaded',
      model: basename(request.modelPath),
      contextSize,
      gpu: String(llama.gpu),
    });
  } catch (error) {
    send({ type: 'load_failed', message: (error as Error).message });
  }
}

function toHistory(
  messages: Extract<ToWorker, { type: 'generate' }>['messages'],
): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === 'system'
      ? { type: 'system', text: m.text }
      : m.role === 'user'
        ? { type: 'user', text: m.text }
        : { type: 'model', response: [m.text] },
  );
  history.push({ type: 'model', response: [] });
  return history;
}

/** Grammars are compiled once per schema; the same schema comes back turn after turn. */
async function grammarFor(schema: Record<string, unknown> | undefined) {
  if (!schema || !llama) return undefined;
  const key = JSON.stringify(schema);
  if (!grammars.has(key)) grammars.set(key, llama.createGrammarForJsonSchema(schema as never));
  return grammars.get(key)!;
}

async function generate(request: Extract<ToWorker, { type: 'generate' }>): Promise<void> {
  const abort = running.get(request.id)!;
  const chat = request.lane === 'background' ? background : conversation;
  if (!chat) {
    send({ type: 'failed', id: request.id, message: 'model is not loaded' });
    return;
  }
  if (abort.signal.aborted) {
    send({
      type: 'done',
      id: request.id,
      text: '',
      tokens: 0,
      promptTokens: 0,
      cachedTokens: 0,
      stopReason: 'cancelled',
    });
    return;
  }
  let tokens = 0;
  const before = [...chat.sequence.contextTokens];
  try {
    // The sequence keeps the conversation's KV cache: LlamaChat re-evaluates only the tokens
    // that differ from what the sequence already holds, so later turns start fast.
    const result = await chat.generateResponse(toHistory(request.messages), {
      grammar: await grammarFor(request.jsonSchema),
      maxTokens: request.maxTokens,
      temperature: request.temperature,
      signal: abort.signal,
      stopOnAbortSignal: true,
      onToken: (chunk) => {
        tokens += chunk.length;
      },
      onTextChunk: (text) => send({ type: 'token', id: request.id, text }),
    });
    const reason = result.metadata.stopReason;
    // What the sequence holds now, less what was generated: the prompt as evaluated.
    const promptTokens = Math.max(0, chat.sequence.contextTokens.length - tokens);
    send({
      type: 'done',
      id: request.id,
      text: result.response,
      tokens,
      promptTokens,
      cachedTokens: Math.min(promptTokens, kept(before, chat.sequence.contextTokens)),
      stopReason: reason === 'abort' ? 'cancelled' : reason === 'maxTokens' ? 'max-tokens' : 'end',
    });
  } catch (error) {
    send({ type: 'failed', id: request.id, message: (error as Error).message });
  }
}

/** How many tokens from the start the sequence kept: what it did not have to read again. */
function kept(before: readonly number[], after: readonly number[]): number {
  let n = 0;
  while (n < before.length && n < after.length && before[n] === after[n]) n++;
  return n;
}

async function embed(request: Extract<ToWorker, { type: 'embed' }>): Promise<void> {
  if (!embedding) {
    send({ type: 'failed', id: request.id, message: 'this model was not loaded for embeddings' });
    return;
  }
  try {
    const vectors: number[][] = [];
    for (const text of request.texts)
      vectors.push([...(await embedding.getEmbeddingFor(text)).vector]);
    send({ type: 'embedded', id: request.id, vectors });
  } catch (error) {
    send({ type: 'failed', id: request.id, message: (error as Error).message });
  }
}

type Messages = Extract<ToWorker, { type: 'preload' }>['messages'];

/** The preload running or waiting: a newer preload, or a generation it does not lead to, stops it. */
let preloading: { abort: AbortController; messages: Messages } | null = null;

/** The generation's prompt goes on from the preload's: what the preload reads, it needs. */
function leadsTo(ahead: Messages, prompt: Messages): boolean {
  if (prompt.length < ahead.length) return false;
  return ahead.every((m, i) => {
    const p = prompt[i];
    if (p.role !== m.role) return false;
    return i === ahead.length - 1 ? p.text.startsWith(m.text) : p.text === m.text;
  });
}

/** Evaluates the prompt (one token is generated and dropped), so the turn finds it cached. */
function preload(messages: Messages): void {
  preloading?.abort.abort();
  const abort = new AbortController();
  preloading = { abort, messages };
  queue = queue.then(async () => {
    if (abort.signal.aborted || !conversation) return;
    await conversation
      .generateResponse(toHistory(messages), {
        maxTokens: 1,
        signal: abort.signal,
        stopOnAbortSignal: true,
      })
      .catch(() => {});
  });
}

function onMessage(raw: unknown): void {
  const parsed = toWorker.safeParse(raw);
  if (!parsed.success) return;
  const message = parsed.data;
  if (message.type === 'load') {
    queue = queue.then(() => load(message));
  } else if (message.type === 'embed') {
    queue = queue.then(() => embed(message));
  } else if (message.type === 'preload') {
    preload(message.messages);
  } else if (message.type === 'generate') {
    // The turn comes first, unless the preload is reading the start of its very prompt.
    if (preloading && !leadsTo(preloading.messages, message.messages)) preloading.abort.abort();
    running.set(message.id, new AbortController());
    queue = queue.then(() => generate(message)).finally(() => running.delete(message.id));
  } else {
    running.get(message.id)?.abort();
  }
}

if (parentPort) parentPort.on('message', (e) => onMessage(e.data));
else process.on('message', onMessage);
// The parent going away ends this process too: a model process never outlives its host.
process.on('disconnect', () => process.exit(0));
