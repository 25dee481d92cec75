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
  type Token,
} from 'node-llama-cpp';
import { toWorker, type FromWorker, type ToWorker } from './protocol.ts';
import { createReadAhead, type Spoken } from './read-ahead.ts';

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

type Generate = Extract<ToWorker, { type: 'generate' }>;
type Done = Extract<FromWorker, { type: 'done' }>;

async function generate(request: Generate): Promise<void> {
  const abort = running.get(request.id)!;
  const turn = request.lane !== 'background';
  const chat = turn ? conversation : background;
  if (!chat) return send({ type: 'failed', id: request.id, message: 'model is not loaded' });
  // What was generated ahead for exactly this prompt is the start of the reply (a turn's, not
  // JSON); any generation on the conversation's sequence uses it up, so none is left stale.
  const taken = turn ? ahead.take(request.messages) : null;
  const spoken = request.jsonSchema ? null : taken;
  if (abort.signal.aborted) {
    const none = { text: '', tokens: 0, promptTokens: 0, cachedTokens: 0, aheadTokens: 0 };
    return send({ type: 'done', id: request.id, ...none, stopReason: 'cancelled' });
  }
  try {
    send({ type: 'done', id: request.id, ...(await reply(chat, request, abort, spoken)) });
  } catch (error) {
    send({ type: 'failed', id: request.id, message: (error as Error).message });
  }
}

/** The reply: streamed as it comes, going on from the words generated ahead, if any. */
async function reply(
  chat: LlamaChat,
  request: Generate,
  abort: AbortController,
  spoken: Spoken | null,
): Promise<Omit<Done, 'type' | 'id'>> {
  const before = [...chat.sequence.contextTokens];
  let tokens = spoken?.ids.length ?? 0;
  let text = spoken?.text ?? '';
  let stopReason: Done['stopReason'] = 'end';
  if (text) send({ type: 'token', id: request.id, text });
  if (!spoken?.done) {
    const history = toHistory(request.messages);
    if (spoken) history[history.length - 1] = { type: 'model', response: [spoken.text] };
    const go = goingOn(chat, spoken);
    // The sequence keeps the conversation's KV cache: LlamaChat re-evaluates only the tokens
    // that differ from what the sequence already holds, so later turns start fast.
    const result = await chat.generateResponse(history, {
      grammar: await grammarFor(request.jsonSchema),
      maxTokens: Math.max(1, request.maxTokens - tokens),
      temperature: request.temperature,
      signal: abort.signal,
      stopOnAbortSignal: true,
      onToken: (chunk) => {
        tokens += chunk.length;
      },
      onResponseChunk: (chunk) => {
        if (chunk.type === undefined)
          send({ type: 'token', id: request.id, text: go.chunk(chunk.text, chunk.tokens) });
      },
    });
    text += go.response(result.response);
    const reason = result.metadata.stopReason;
    stopReason = reason === 'abort' ? 'cancelled' : reason === 'maxTokens' ? 'max-tokens' : 'end';
  }
  // What the sequence holds now, less what was generated: the prompt as evaluated.
  const promptTokens = Math.max(0, chat.sequence.contextTokens.length - tokens);
  const cachedTokens = Math.min(promptTokens, kept(before, chat.sequence.contextTokens));
  const aheadTokens = spoken?.ids.length ?? 0;
  return { text, tokens, promptTokens, cachedTokens, aheadTokens, stopReason };
}

/**
 * Going on from words generated ahead, the first new chunk is read as the start of a text (a
 * SentencePiece vocabulary then drops its space: "every" + "shore"); it is read again after
 * those words, and the reply's text mended to match.
 */
function goingOn(chat: LlamaChat, spoken: Spoken | null) {
  let first: { raw: string; mended: string } | null = null;
  return {
    chunk(raw: string, ids: Token[]): string {
      if (!spoken || first) return raw;
      first = { raw, mended: chat.model.detokenize(ids, false, spoken.ids) };
      return first.mended;
    },
    response(raw: string): string {
      if (!first || !raw.startsWith(first.raw)) return raw;
      return first.mended + raw.slice(first.raw.length);
    },
  };
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

const ahead = createReadAhead({
  chat: () => conversation,
  enqueue: (job) => (queue = queue.then(job)),
  history: toHistory,
});

function onMessage(raw: unknown): void {
  const parsed = toWorker.safeParse(raw);
  if (!parsed.success) return;
  const message = parsed.data;
  if (message.type === 'load') {
    queue = queue.then(() => load(message));
  } else if (message.type === 'embed') {
    queue = queue.then(() => embed(message));
  } else if (message.type === 'preload') {
    ahead.preload(message);
  } else if (message.type === 'generate') {
    // The turn comes first, unless what is read ahead is the start of its very prompt.
    if (message.lane !== 'background') ahead.coming(message.messages);
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
