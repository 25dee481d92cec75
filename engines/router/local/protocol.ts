// Messages between the router and its model process. The child's messages are parsed here,
// because a process that crossed a boundary is not trusted to be well-formed.
import { z } from 'zod';
import { chatMessageSchema } from '../../bus/index.ts';

export const loadRequest = z.object({
  type: z.literal('load'),
  modelPath: z.string(),
  threads: z.number().int().positive(),
  contextSize: z.number().int().positive(),
  gpu: z.enum(['auto', 'off']),
  /** An embedding model gets an embedding context instead of a chat. */
  purpose: z.enum(['chat', 'embedding']).default('chat'),
});

export const toWorker = z.discriminatedUnion('type', [
  loadRequest,
  z.object({
    type: z.literal('generate'),
    id: z.string(),
    messages: z.array(chatMessageSchema),
    maxTokens: z.number().int().positive(),
    temperature: z.number(),
    /** Constrain the reply to JSON matching this schema (a llama.cpp grammar). */
    jsonSchema: z.record(z.string(), z.unknown()).optional(),
    /** Engine work runs on a sequence of its own, so the conversation's stays in the cache. */
    lane: z.enum(['turn', 'background']).optional(),
  }),
  z.object({ type: z.literal('cancel'), id: z.string() }),
  /** Evaluate these messages into the KV cache, generating nothing worth keeping. */
  z.object({
    type: z.literal('preload'),
    messages: z.array(chatMessageSchema),
    /** Also generate this many tokens of the reply, kept for a turn with exactly this prompt. */
    speculate: z.number().int().min(0).max(64).optional(),
    temperature: z.number().optional(),
  }),
  z.object({
    type: z.literal('embed'),
    id: z.string(),
    texts: z.array(z.string()).min(1).max(256),
  }),
]);
export type ToWorker = z.infer<typeof toWorker>;

export const fromWorker = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('loaded'),
    model: z.string(),
    contextSize: z.number(),
    gpu: z.string(),
  }),
  z.object({ type: z.literal('load_failed'), message: z.string() }),
  z.object({ type: z.literal('token'), id: z.string(), text: z.string() }),
  z.object({
    type: z.literal('done'),
    id: z.string(),
    text: z.string(),
    tokens: z.number(),
    promptTokens: z.number(),
    cachedTokens: z.number(),
    /** Of `tokens`, those generated ahead, before the turn asked (read-ahead.ts). */
    aheadTokens: z.number(),
    stopReason: z.enum(['end', 'max-tokens', 'cancelled']),
  }),
  z.object({ type: z.literal('failed'), id: z.string(), message: z.string() }),
  z.object({ type: z.literal('embedded'), id: z.string(), vectors: z.array(z.array(z.number())) }),
]);
export type FromWorker = z.infer<typeof fromWorker>;

/** The parent's handle on a model process: `child_process.fork` headless, `utilityProcess` in Electron. */
export type WorkerHandle = {
  send(message: ToWorker): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
  /** The last line the process wrote to stderr, e.g. a native assertion before an abort. */
  lastError?(): string | undefined;
};

export type SpawnWorker = () => WorkerHandle;
