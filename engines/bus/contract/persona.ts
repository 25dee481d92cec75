// L6 persona's piece of the contract (the full compiler and hot-reload come later).
import { z } from 'zod';
import { command } from '../define.ts';

export const activePersonaSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  tagline: z.string(),
  systemPrompt: z.string(),
  /** The pack's routing preferences (the user's own settings take precedence). */
  routing: z.object({
    preferredTier: z.enum(['local', 'remote']).nullable(),
    temperature: z.number().nullable(),
    maxOutputTokens: z.number().int().nullable(),
    /** How long the persona lets a reply take to start, in ms. */
    latencyBudgetMs: z.number().int().nullable(),
  }),
});
export type ActivePersona = z.infer<typeof activePersonaSchema>;

export const personaCommands = {
  'persona.get_active': command(z.object({}), activePersonaSchema),
};

export const personaEvents = {
  'persona.activated': activePersonaSchema.pick({ id: true, displayName: true, tagline: true }),
};
