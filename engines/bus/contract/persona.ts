// L6 persona's piece of the contract: the compiled persona, its editor's commands, swaps and failures.
import { z } from 'zod';
import { command } from '../define.ts';

const modeSchema = z.enum(['auto', 'ask', 'draft-only', 'deny']);
const lines = z.array(z.string());

/** The compiled persona: one artifact per engine, the same bytes for the same input. */
export const activePersonaSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  tagline: z.string(),
  /** L1: the prompt as compiled (the pack's text plus its identity, style and boundaries). */
  systemPrompt: z.string(),
  /** L1: phrase pools for replies that need no model. */
  phrases: z.object({
    greetings: lines,
    acknowledgements: lines,
    repairs: lines,
    clarifications: lines,
  }),
  voice: z.object({
    engine: z.string(),
    voiceId: z.string(),
    speed: z.number(),
    pitch: z.number(),
  }),
  /** L2: how long things are kept, what to favour and what never to keep. */
  memory: z.object({ retentionDays: z.number().int(), remember: lines, neverRemember: lines }),
  /** L3: the face's colours, shape and motion bounds. */
  presence: z.object({
    faceColour: z.string(),
    accentColour: z.string(),
    shape: z.string(),
    blinkPerMinute: z.number(),
    gaze: z.string(),
    expressive: z.boolean(),
    motion: z.object({ min: z.number(), max: z.number() }),
  }),
  /** L4: the pack's routing preferences (the user's own settings take precedence). */
  routing: z.object({
    preferredTier: z.enum(['local', 'remote']).nullable(),
    temperature: z.number().nullable(),
    maxOutputTokens: z.number().int().nullable(),
    /** How long the persona lets a reply take to start, in ms. */
    latencyBudgetMs: z.number().int().nullable(),
    privacyPosture: z.enum(['strict', 'balanced', 'open']),
  }),
  /** L5: modes per capability; unless the pack is signed by a trusted key they can only narrow. */
  policy: z.object({
    modes: z.record(z.string(), modeSchema),
    signed: z.boolean(),
    signer: z.string().nullable(),
  }),
  /** L7: what the user is told about this persona, line by line. */
  summary: lines,
  /** SHA-256 of the compiled artifacts: equal for equal input. */
  hash: z.string(),
});
export type ActivePersona = z.infer<typeof activePersonaSchema>;

export const personaErrorSchema = z.object({
  file: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  message: z.string(),
});
export type PersonaError = z.infer<typeof personaErrorSchema>;

const personaId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and dashes');

export const personaListItemSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  tagline: z.string(),
  source: z.enum(['bundled', 'user']),
  signed: z.boolean(),
  active: z.boolean(),
  error: personaErrorSchema.nullable(),
  /** What it says first, and its face (for the first run's cards). */
  greeting: z.string().nullable(),
  look: z
    .object({
      faceColour: z.string(),
      accentColour: z.string(),
      shape: z.string(),
      blinkPerMinute: z.number(),
    })
    .nullable(),
});

export const personaCommands = {
  'persona.get_active': command(z.object({}), activePersonaSchema, { reads: true }),
  'persona.list': command(
    z.object({}),
    z.object({ personas: z.array(personaListItemSchema), pending: z.string().nullable() }),
    { reads: true },
  ),
  'persona.get_source': command(
    z.object({ id: personaId }),
    z.object({
      id: z.string(),
      text: z.string(),
      file: z.string(),
      source: z.enum(['bundled', 'user']),
    }),
    { reads: true },
  ),
  /** Compiles text without saving it: the editor's markers while typing. */
  'persona.validate': command(
    z.object({ id: personaId, text: z.string().max(1_000_000) }),
    z.object({ errors: z.array(personaErrorSchema), warnings: z.array(z.string()) }),
    { reads: true },
  ),
  /** Writes the user's copy of a pack (an L5 persona.edit action); the watcher compiles and swaps it. */
  'persona.save': command(
    z.object({ id: personaId, text: z.string().max(1_000_000) }),
    z.object({
      status: z.string(),
      explanation: z.string(),
      errors: z.array(personaErrorSchema),
      warnings: z.array(z.string()),
    }),
    { effect: 'persona.edit' },
  ),
  'persona.activate': command(
    z.object({ id: personaId }),
    z.object({ id: z.string(), pending: z.boolean() }),
    { audit: 'persona.switched' },
  ),
  /** A new user pack from a template (any pack) under a new id and name. */
  'persona.create': command(
    z.object({ from: personaId, id: personaId, displayName: z.string().min(1).max(80) }),
    z.object({ id: z.string() }),
    { effect: 'persona.edit' },
  ),
  /** A SillyTavern / Character Card V2 or V3 file (JSON, or PNG with the card inside) → a user pack. */
  'persona.import_card': command(
    z.object({ fileName: z.string().max(255), dataBase64: z.string().max(20_000_000) }),
    z.object({ id: z.string(), warnings: z.array(z.string()) }),
    { effect: 'persona.edit' },
  ),
  'persona.get_schema': command(
    z.object({}),
    z.object({ schema: z.record(z.string(), z.unknown()) }),
    { reads: true },
  ),
};

export const personaEvents = {
  'persona.activated': activePersonaSchema.pick({
    id: true,
    displayName: true,
    tagline: true,
    policy: true,
    presence: true,
    memory: true,
    hash: true,
  }),
  /** A saved pack did not compile: the old persona stays active. */
  'persona.failed': z.object({ id: z.string(), error: personaErrorSchema }),
  /** A compiled pack waits for the turn's next safe boundary. */
  'persona.staged': z.object({ id: z.string() }),
};
