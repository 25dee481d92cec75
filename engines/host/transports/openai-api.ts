// The OpenAI-compatible API, so other local apps can talk to the companion: GET /v1/models and
// POST /v1/chat/completions (streamed as SSE or not). A bearer key is required; bodies are
// size-limited; each key is rate-limited; every request lands in the audit log and runs through
// L4 like a workspace turn.
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Bus, ChatMessage } from '../../bus/index.ts';
import { apiError, json, sendReply, streamReply } from './openai-replies.ts';

const MAX_BODY = 1024 * 1024;

const contentSchema = z.union([
  z.string(),
  z.array(z.object({ type: z.string(), text: z.string().optional() })),
  z.null(),
]);
const requestSchema = z.object({
  model: z.string().max(200).optional(),
  messages: z
    .array(
      z.object({
        role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
        content: contentSchema.optional(),
      }),
    )
    .min(1)
    .max(500),
  stream: z.boolean().optional(),
  max_tokens: z.number().int().positive().max(32_768).optional(),
  max_completion_tokens: z.number().int().positive().max(32_768).optional(),
  temperature: z.number().min(0).max(2).optional(),
  tools: z
    .array(
      z.object({
        type: z.literal('function'),
        function: z.object({
          name: z.string().max(64),
          description: z.string().max(1000).optional(),
          parameters: z.record(z.string(), z.unknown()).optional(),
        }),
      }),
    )
    .max(64)
    .optional(),
});

export type ApiOptions = { bus: Bus; apiKey: string; ratePerMinute?: number; now?: () => number };

type Bucket = { tokens: number; at: number };

function text(content: z.infer<typeof contentSchema> | undefined): string {
  if (!content) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text ?? '').join('');
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function createApiKey(): string {
  return `aether-${randomBytes(24).toString('base64url')}`;
}

type Api = {
  bus: Bus;
  apiKey: string;
  now: () => number;
  perMinute: number;
  buckets: Map<string, Bucket>;
};
type ApiRequest = z.infer<typeof requestSchema>;

function authorized(api: Api, req: IncomingMessage): boolean {
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(api.apiKey);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Token bucket per key: `perMinute` requests a minute, refilled continuously. */
function allow(api: Api, key: string): number | null {
  const { perMinute } = api;
  const t = api.now();
  const b = api.buckets.get(key) ?? { tokens: perMinute, at: t };
  b.tokens = Math.min(perMinute, b.tokens + ((t - b.at) / 60_000) * perMinute);
  b.at = t;
  api.buckets.set(key, b);
  if (b.tokens < 1) return Math.ceil(((1 - b.tokens) * 60_000) / perMinute / 1000);
  b.tokens -= 1;
  return null;
}

async function models(api: Api, res: ServerResponse): Promise<void> {
  const status = await api.bus.invoke('router.get_status', {});
  const data = status.model
    ? [{ id: status.model, object: 'model', created: 0, owned_by: 'aether' }]
    : [];
  json(res, 200, {
    object: 'list',
    data: [{ id: 'aether', object: 'model', created: 0, owned_by: 'aether' }, ...data],
  });
}

/** The request, or null once the error was answered. */
async function readRequest(req: IncomingMessage, res: ServerResponse): Promise<ApiRequest | null> {
  const body = await readBody(req);
  if (body === null) {
    apiError(res, 413, `request body is larger than ${MAX_BODY} bytes`, 'request_too_large');
    return null;
  }
  try {
    const result = requestSchema.safeParse(JSON.parse(body));
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const why = `invalid request: ${issue?.path.join('.')}: ${issue?.message}`;
    apiError(res, 400, why, 'invalid_request_error');
  } catch {
    apiError(res, 400, 'the body is not JSON', 'invalid_request_error');
  }
  return null;
}

const toMessages = (parsed: ApiRequest): ChatMessage[] =>
  parsed.messages.map((m) => ({
    role: m.role === 'developer' ? 'system' : m.role === 'tool' ? 'user' : m.role,
    text: m.role === 'tool' ? `Tool result: ${text(m.content)}` : text(m.content),
  }));

async function completions(api: Api, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parsed = await readRequest(req, res);
  if (!parsed) return;
  const { bus } = api;
  const messages = toMessages(parsed);
  const turnId = `api-${randomUUID()}`;
  const changeId = randomUUID();
  const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
  const created = Math.floor(api.now() / 1000);
  const stream = Boolean(parsed.stream);
  const details = { messages: messages.length, stream, model: parsed.model ?? null };
  await bus.invoke(
    'policy.record',
    { kind: 'api.chat_completion', actor: 'api', resource: '/v1/chat/completions', details },
    { changeId },
  );
  const tools = parsed.tools?.map((t) => ({
    name: t.function.name,
    description: t.function.description ?? '',
    parameters: t.function.parameters ?? {},
  }));
  const maxTokens = parsed.max_completion_tokens ?? parsed.max_tokens;
  const generation = bus.invoke(
    'router.generate',
    { turnId, messages, maxTokens, temperature: parsed.temperature, tools },
    { changeId, origin: 'api' },
  );
  const reply = { id, created, model: parsed.model ?? 'aether', turnId };
  if (stream) await streamReply(bus, res, reply, generation);
  else await sendReply(res, reply, generation);
}

export function createOpenAiApi(options: ApiOptions) {
  const api: Api = {
    bus: options.bus,
    apiKey: options.apiKey,
    now: options.now ?? Date.now,
    perMinute: options.ratePerMinute ?? 120,
    buckets: new Map(),
  };
  /** Handles /v1/* requests; false for any other path. */
  return async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
  ): Promise<boolean> {
    if (!path.startsWith('/v1/')) return false;
    if (!authorized(api, req)) {
      apiError(res, 401, 'missing or wrong API key (Authorization: Bearer …)', 'invalid_api_key');
      return true;
    }
    const wait = allow(api, 'key');
    if (wait !== null) {
      apiError(res, 429, 'too many requests', 'rate_limit_exceeded', {
        'retry-after': String(wait),
      });
      return true;
    }
    if (req.method === 'GET' && path === '/v1/models') await models(api, res);
    else if (req.method === 'POST' && path === '/v1/chat/completions')
      await completions(api, req, res);
    else apiError(res, 404, `no route ${req.method} ${path}`, 'not_found');
    return true;
  };
}
