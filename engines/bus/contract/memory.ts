// L2 memory's piece of the contract.
import { z } from 'zod';
import { command, internalCommand } from '../define.ts';

export const memoryKinds = ['turn', 'session', 'fact', 'preference', 'artifact'] as const;
export const privacyClasses = ['public', 'personal', 'sensitive', 'secret'] as const;

export const memoryItemSchema = z.object({
  id: z.string(),
  kind: z.enum(memoryKinds),
  content: z.string(),
  status: z.enum(['active', 'proposed', 'rejected', 'forgotten']),
  privacy: z.enum(privacyClasses),
  retention: z.string(),
  expiresAt: z.number().nullable(),
  confidence: z.number(),
  salience: z.number(),
  accessCount: z.number(),
  lastAccess: z.number().nullable(),
  speaker: z.string().nullable(),
  conversationId: z.string().nullable(),
  occurredAt: z.number(),
  contradicts: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type MemoryItem = z.infer<typeof memoryItemSchema>;

export const memoryHitSchema = memoryItemSchema
  .pick({
    id: true,
    kind: true,
    content: true,
    privacy: true,
    speaker: true,
    occurredAt: true,
    confidence: true,
  })
  .extend({ score: z.number() });
export type MemoryHit = z.infer<typeof memoryHitSchema>;

export const provenanceSchema = z.object({
  source: z.string(),
  ref: z.string(),
  extractor: z.string(),
  at: z.number(),
});

const id = z.string().min(1).max(64);

export const memorySettingsSchema = z.object({
  /** Background upkeep (retention, merging, decay, summaries) waits while this is set. */
  consolidationPaused: z.boolean(),
  /** The local model reads what the user says for facts worth keeping (as drafts unless allowed). */
  modelExtraction: z.boolean(),
  /** Whether conversations are kept at all: on, only as drafts to confirm ("ask"), or not (off). */
  keeping: z.enum(['on', 'ask', 'off']),
});
export type MemorySettings = z.infer<typeof memorySettingsSchema>;

export const memoryCommands = {
  'memory.query': command(
    z.object({
      text: z.string().min(1).max(2000),
      k: z.number().int().min(1).max(100).optional(),
      deadlineMs: z.number().int().min(1).max(5000).optional(),
    }),
    z.object({ hits: z.array(memoryHitSchema), partial: z.boolean(), ms: z.number() }),
    { reads: 'counts' },
  ),
  'memory.list': command(
    z.object({
      kind: z.enum(memoryKinds).optional(),
      status: z.enum(['active', 'proposed']).optional(),
      limit: z.number().int().min(1).max(500).optional(),
    }),
    z.object({ items: z.array(memoryItemSchema) }),
    { reads: true },
  ),
  'memory.why': command(
    z.object({ id }),
    z.object({
      item: memoryItemSchema,
      provenance: z.array(provenanceSchema),
      sources: z.array(
        z.object({
          turnId: z.string(),
          conversationId: z.string(),
          userText: z.string(),
          at: z.number(),
        }),
      ),
      versions: z.array(z.object({ version: z.number(), content: z.string(), at: z.number() })),
    }),
    { reads: true },
  ),
  'memory.edit': command(
    z.object({ id, content: z.string().trim().min(1).max(4000) }),
    z.object({ item: memoryItemSchema }),
    { audit: 'memory.edited' },
  ),
  'memory.confirm': command(z.object({ id }), z.object({ item: memoryItemSchema }), {
    effect: 'memory.write_durable',
  }),
  'memory.reject': command(z.object({ id }), z.object({ item: memoryItemSchema }), {
    audit: 'memory.rejected',
  }),
  'memory.forget': command(z.object({ id }), z.object({ forgotten: z.boolean() }), {
    audit: 'memory.forgotten',
  }),
  'memory.forget_about': command(
    z.object({ text: z.string().trim().min(2).max(200) }),
    z.object({ forgotten: z.number().int() }),
    { audit: 'memory.forgotten' },
  ),
  'memory.export': command(
    z.object({}),
    z.object({ status: z.string(), path: z.string().nullable(), explanation: z.string() }),
    { effect: 'memory.export' },
  ),
  'memory.get_settings': command(z.object({}), memorySettingsSchema, { reads: true }),
  'memory.set_settings': command(memorySettingsSchema.partial(), memorySettingsSchema, {
    audit: 'memory.settings_changed',
  }),
  /** Everything the L1 turn needs from memory: hits for the prompt within a token budget. */
  'memory.context': internalCommand(
    z.object({
      text: z.string().max(20_000),
      deadlineMs: z.number().int().positive(),
      budgetTokens: z.number().int().positive(),
      allowPrivacy: z.array(z.enum(privacyClasses)).optional(),
      /** The turns of this conversation since then are in the prompt already: not recalled. */
      inPrompt: z.object({ conversationId: z.string(), since: z.number() }).optional(),
    }),
    z.object({ hits: z.array(memoryHitSchema), partial: z.boolean() }),
    { reads: 'counts' },
  ),
  'memory.ingest_turn': internalCommand(
    z.object({
      turnId: z.string(),
      conversationId: z.string(),
      speaker: z.string(),
      text: z.string().max(32_000),
      at: z.number(),
    }),
    z.object({ itemId: z.string().nullable(), proposed: z.array(z.string()) }),
    { conversation: true },
  ),
};

export const memoryEvents = {
  'memory.changed': z.object({ reason: z.string(), id: z.string().nullable() }),
  /** Memories recalled for a turn: how long it took and how many (for /metrics). */
  'memory.recalled': z.object({ ms: z.number(), hits: z.number().int(), partial: z.boolean() }),
  'memory.extraction_failed': z.object({ turnId: z.string(), message: z.string() }),
};
