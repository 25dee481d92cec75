// The persona pack, written once: zod checks it, and the same schema is exported as JSON Schema
// for the editor's completion. Every field but the identity has a default, so a short pack works.
import { z } from 'zod';

export const SCHEMA_VERSION = 2;

const phrases = z.array(z.string().min(1).max(300)).max(200);
const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #7aa2ff');
const modes = z.enum(['auto', 'ask', 'draft-only', 'deny']);

export const packSchema = z.object({
  schema_version: z.number().int().describe('The pack format version; this Aether reads up to 2.'),
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and dashes')
    .describe('Must match the folder name.'),
  display_name: z.string().min(1).max(80),
  tagline: z.string().max(200).default(''),
  identity: z
    .object({
      relationship: z.enum(['assistant', 'companion', 'colleague', 'mentor']).default('companion'),
      warmth: z.number().min(0).max(1).default(0.6),
      formality: z.number().min(0).max(1).default(0.4),
      initiative: z.number().min(0).max(1).default(0.4),
      boundaries: z.array(z.string().min(1).max(300)).max(50).default([]),
    })
    .default({
      relationship: 'companion',
      warmth: 0.6,
      formality: 0.4,
      initiative: 0.4,
      boundaries: [],
    }),
  system_prompt: z.string().min(1).max(20_000),
  style: z
    .object({
      verbosity: z.enum(['terse', 'balanced', 'expansive']).default('balanced'),
      humour: z.enum(['none', 'dry', 'playful']).default('dry'),
      emoji: z.enum(['never', 'sometimes', 'often']).default('never'),
    })
    .default({ verbosity: 'balanced', humour: 'dry', emoji: 'never' }),
  phrases: z
    .object({
      greetings: phrases.default([]),
      acknowledgements: phrases.default([]),
      repairs: phrases.default([]),
      clarifications: phrases.default([]),
    })
    .default({ greetings: [], acknowledgements: [], repairs: [], clarifications: [] }),
  voice: z
    .object({
      // flite is embedded (decision 0017); espeak-ng is not bundled and is said by flite's slt.
      engine: z.enum(['flite', 'espeak-ng', 'piper', 'kokoro', 'none']).default('flite'),
      voice_id: z.string().max(100).default('slt'),
      speed: z.number().min(0.5).max(2).default(1),
      pitch: z.number().min(0.5).max(2).default(1),
    })
    .default({ engine: 'flite', voice_id: 'slt', speed: 1, pitch: 1 }),
  avatar: z
    .object({
      face_colour: colour.default('#e8eefc'),
      accent_colour: colour.default('#7aa2ff'),
      shape: z.enum(['round', 'soft-square', 'drop']).default('round'),
      blink_per_minute: z.number().min(0).max(60).default(14),
      gaze: z.enum(['steady', 'wandering', 'attentive']).default('attentive'),
      /** Whether the face shows the reply's tone (happy, concerned, surprised) while speaking. */
      expressive: z.boolean().default(true),
      motion: z
        .object({
          min: z.number().min(0).max(1).default(0.1),
          max: z.number().min(0).max(1).default(0.6),
        })
        .default({ min: 0.1, max: 0.6 }),
    })
    .default({
      face_colour: '#e8eefc',
      accent_colour: '#7aa2ff',
      shape: 'round',
      blink_per_minute: 14,
      gaze: 'attentive',
      expressive: true,
      motion: { min: 0.1, max: 0.6 },
    }),
  memory: z
    .object({
      retention_days: z.number().int().min(1).max(3650).default(365),
      remember: z.array(z.string().min(1).max(200)).max(50).default([]),
      never_remember: z.array(z.string().min(1).max(200)).max(50).default([]),
    })
    .default({ retention_days: 365, remember: [], never_remember: [] }),
  routing: z
    .object({
      preferred_tier: z.enum(['local', 'remote']).default('local'),
      temperature: z.number().min(0).max(2).default(0.7),
      max_output_tokens: z.number().int().positive().max(32_768).default(512),
      latency_budget_ms: z.number().int().positive().max(120_000).default(2000),
      privacy_posture: z.enum(['strict', 'balanced', 'open']).default('balanced'),
    })
    .default({
      preferred_tier: 'local',
      temperature: 0.7,
      max_output_tokens: 512,
      latency_budget_ms: 2000,
      privacy_posture: 'balanced',
    }),
  policy: z
    .object({
      /** Per capability; an unsigned pack may only make these stricter than the preset. */
      // Capability names belong to L5, which ignores the ones it does not know.
      defaults: z
        .record(z.string().regex(/^[a-z]+\.[a-z_]+$/, 'a capability such as files.read'), modes)
        .default({}),
    })
    .default({ defaults: {} }),
});

export type Pack = z.infer<typeof packSchema>;

/** For the editor: completion of keys and enum values, and hover text. */
export function packJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(packSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-7',
  }) as Record<string, unknown>;
}

/** Keys a pack has that the schema does not know, as dotted paths (kept, with a warning). */
export function unknownKeys(
  value: unknown,
  schema: z.ZodType = packSchema,
  at: string[] = [],
): string[] {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  if (
    !(s instanceof z.ZodObject) ||
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value)
  )
    return [];
  const shape = s.shape as Record<string, z.ZodType>;
  return Object.entries(value).flatMap(([k, v]) =>
    k in shape ? unknownKeys(v, shape[k], [...at, k]) : [[...at, k].join('.')],
  );
}
