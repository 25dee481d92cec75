// L4 router's piece of the contract. Generation is internal: only L1 starts turns.
import { z } from 'zod';
import { command, internalCommand } from '../define.ts';
import { errorInfoSchema } from '../errors.ts';

export const routerStates = [
  'no-model',
  'loading',
  'ready',
  'generating',
  'degraded',
  'error',
] as const;

export const routerStatusSchema = z.object({
  state: z.enum(routerStates),
  provider: z.enum(['local', 'remote']),
  model: z.string().nullable(),
  threads: z.number().int().positive(),
  error: errorInfoSchema.nullable(),
});
export type RouterStatus = z.infer<typeof routerStatusSchema>;

export const chatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  text: z.string(),
  /** Holds private memory: never sent to a remote model without router.remote_with_private. */
  private: z.boolean().optional(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const agentStepSchema = z.object({
  name: z.string(),
  capability: z.string(),
  target: z.string(),
  status: z.enum(['done', 'denied', 'draft', 'failed']),
  summary: z.string(),
  output: z.string(),
});
export type AgentStepView = z.infer<typeof agentStepSchema>;

export const generationResultSchema = z.object({
  text: z.string(),
  stopReason: z.enum(['end', 'max-tokens', 'cancelled']),
  model: z.string(),
  tokens: z.number().int().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  /** Of the prompt, the tokens the local model found already read (its KV cache). */
  cachedTokens: z.number().int().nonnegative().optional(),
  ttftMs: z.number().nullable(),
  tokensPerSecond: z.number().nullable(),
  steps: z.array(agentStepSchema).optional(),
  /** Tool calls proposed for the caller to run (tools passed through from the API). */
  toolCalls: z
    .array(z.object({ id: z.string(), name: z.string(), arguments: z.string() }))
    .optional(),
});
export type GenerationResult = z.infer<typeof generationResultSchema>;

const turnId = z.string().min(1).max(64);

/** What a provider charges, in cents per 1,000 tokens: it lets cent caps apply to it. */
export const priceSchema = z.object({
  prompt: z.number().min(0).max(100_000),
  completion: z.number().min(0).max(100_000),
});
export type Price = z.infer<typeof priceSchema>;

export const remoteViewSchema = z.object({
  baseUrl: z.string().nullable(),
  /** The name costs and caps are kept under (the server's host). */
  provider: z.string().nullable(),
  model: z.string().nullable(),
  enabled: z.boolean(),
  prefer: z.enum(['local', 'remote']),
  /** Never the key itself: the first hex digits of its SHA-256. */
  keyFingerprint: z.string().nullable(),
  breaker: z.enum(['closed', 'open', 'half-open']),
  centsPer1kTokens: priceSchema.nullable(),
  /** Said when the key is not protected by the OS keychain (headless: a 0600 file). */
  keyWarning: z.string().nullable(),
});

export type RemoteView = z.infer<typeof remoteViewSchema>;

export const routerCommands = {
  'router.generate': internalCommand(
    z.object({
      turnId,
      messages: z.array(chatMessageSchema).min(1),
      maxTokens: z.number().int().positive().max(32_768).optional(),
      temperature: z.number().min(0).max(2).optional(),
      /** Constrain the reply to JSON matching this schema (local models: a grammar). */
      jsonSchema: z.record(z.string(), z.unknown()).optional(),
      /** What the turn asks of the route: the persona's preferred tier and latency budget. */
      route: z
        .object({
          prefer: z.enum(['local', 'remote']).nullable(),
          latencyBudgetMs: z.number().int().positive().nullable(),
          /** The persona's: strict keeps replies on this machine unless the user chose a remote model. */
          privacyPosture: z.enum(['strict', 'balanced', 'open']).optional(),
        })
        .optional(),
      /** Offer the model the L5 tools (the agent loop), acting as this actor. */
      agent: z
        .object({ actor: z.string().max(64), maxSteps: z.number().int().min(0).max(8).default(4) })
        .optional(),
      /** Work for an engine, not a reply: this machine's model only, no token events, and any turn
       *  that starts cancels it (the caller tries again later). */
      background: z.boolean().optional(),
      /** The caller's own tools (OpenAI API clients): proposed calls are returned, not run. */
      tools: z
        .array(
          z.object({
            name: z.string().max(64),
            description: z.string().max(1000),
            parameters: z.record(z.string(), z.unknown()),
          }),
        )
        .max(64)
        .optional(),
    }),
    generationResultSchema,
    { conversation: true },
  ),
  'router.embed': internalCommand(
    z.object({ texts: z.array(z.string().max(20_000)).min(1).max(256) }),
    z.object({ model: z.string(), dims: z.number().int(), vectors: z.array(z.array(z.number())) }),
    { reads: true },
  ),
  /**
   * Evaluates a prompt in the local model without generating, so the reply to it (or to the
   * same words completed) starts sooner; superseded by the next preload or any generation.
   */
  'router.preload': internalCommand(
    z.object({
      messages: z.array(chatMessageSchema).min(1).max(200),
      /** For an agent turn: its tool instructions go in, as router.generate puts them. */
      agent: z.boolean().default(false),
      /** Also generate this many tokens of the reply, for a turn that asks exactly this prompt. */
      speculate: z.number().int().min(0).max(64).default(0),
      temperature: z.number().min(0).max(2).optional(),
    }),
    z.object({ preloaded: z.boolean() }),
    { reads: true },
  ),
  'router.cancel': internalCommand(z.object({ turnId }), z.object({ cancelled: z.boolean() }), {
    conversation: true,
  }),
  'router.get_status': command(z.object({}), routerStatusSchema, { reads: true }),
  'router.set_remote': command(
    z.object({
      baseUrl: z.url().max(500),
      model: z.string().min(1).max(200),
      /** Undefined keeps the stored key; null removes it. */
      apiKey: z.string().max(500).nullable().optional(),
      enabled: z.boolean(),
      prefer: z.enum(['local', 'remote']).optional(),
      /** Undefined keeps the price (for the same server); null: not charged, or unknown. */
      centsPer1kTokens: priceSchema.nullable().optional(),
    }),
    remoteViewSchema,
    { effect: 'router.configure' },
  ),
  'router.get_remote': command(z.object({}), remoteViewSchema, { reads: true }),
  /** Asks a server which models it offers (GET …/models): a web.fetch, so L5 decides. */
  'router.probe_remote': command(
    z.object({ baseUrl: z.url().max(500) }),
    z.object({ models: z.array(z.string()), problem: z.string().nullable() }),
    { effect: 'web.fetch' },
  ),
};

export const routerEvents = {
  'router.route_decided': z.object({
    turnId,
    tier: z.enum(['reflex', 'local-small', 'local', 'remote']),
    provider: z.string(),
    model: z.string().nullable(),
    rationale: z.string(),
    fallbacks: z.array(z.enum(['local-small', 'local', 'remote'])),
  }),
  /** Exactly one per remote request, whatever its outcome. */
  'router.cost': z.object({
    turnId,
    provider: z.string(),
    model: z.string(),
    promptTokens: z.number(),
    completionTokens: z.number(),
    cents: z.number(),
    ok: z.boolean(),
  }),
  'router.status_changed': routerStatusSchema,
  'router.generation_started': z.object({ turnId, model: z.string() }),
  /** A local generation's prompt: how much of it the model found already read (its cache). */
  'router.prompt_read': z.object({
    turnId,
    promptTokens: z.number().int().nonnegative(),
    cachedTokens: z.number().int().nonnegative(),
    /** Tokens of the reply generated ahead, at the speaker's pause, and used. */
    aheadTokens: z.number().int().nonnegative(),
  }),
  'router.first_token': z.object({ turnId, ttftMs: z.number() }),
  'router.token': z.object({ turnId, text: z.string(), index: z.number().int().nonnegative() }),
  'router.tool_call': z.object({
    turnId,
    step: z.number().int(),
    name: z.string(),
    capability: z.string(),
    target: z.string(),
    status: z.enum(['proposed', 'done', 'denied', 'draft', 'failed']),
    summary: z.string(),
    output: z.string(),
  }),
};
