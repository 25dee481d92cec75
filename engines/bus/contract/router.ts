// L4 router's piece of the contract. Generation is internal: only L1 starts turns.
import { z } from 'zod';
import { command, internalCommand } from '../define.ts';
import { errorInfoSchema } from '../errors.ts';

export const routerStates = ['no-model', 'loading', 'ready', 'generating', 'degraded', 'error'] as const;

export const routerStatusSchema = z.object({
  state: z.enum(routerStates),
  provider: z.literal('local'),
  model: z.string().nullable(),
  threads: z.number().int().positive(),
  error: errorInfoSchema.nullable(),
});
export type RouterStatus = z.infer<typeof routerStatusSchema>;

export const chatMessageSchema = z.object({ role: z.enum(['system', 'user', 'assistant']), text: z.string() });
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const generationResultSchema = z.object({
  text: z.string(),
  stopReason: z.enum(['end', 'max-tokens', 'cancelled']),
  model: z.string(),
  tokens: z.number().int().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  ttftMs: z.number().nullable(),
  tokensPerSecond: z.number().nullable(),
});
export type GenerationResult = z.infer<typeof generationResultSchema>;

const turnId = z.string().min(1).max(64);

export const routerCommands = {
  'router.generate': internalCommand(
    z.object({
      turnId,
      messages: z.array(chatMessageSchema).min(1),
      maxTokens: z.number().int().positive().max(32_768).optional(),
      temperature: z.number().min(0).max(2).optional(),
    }),
    generationResultSchema,
  ),
  'router.cancel': internalCommand(z.object({ turnId }), z.object({ cancelled: z.boolean() })),
  'router.get_status': command(z.object({}), routerStatusSchema),
};

export const routerEvents = {
  'router.status_changed': routerStatusSchema,
  'router.generation_started': z.object({ turnId, model: z.string() }),
  'router.first_token': z.object({ turnId, ttftMs: z.number() }),
  'router.token': z.object({ turnId, text: z.string(), index: z.number().int().nonnegative() }),
};
