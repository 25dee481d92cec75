// The persona compiler: validate → migrate → fill defaults → apply precedence (user override >
// onboarding choice > persona > system) → one artifact per engine. Pure: the same input gives the
// same bytes. Errors carry file, line and column from the YAML parser, never a stack trace.
import { createHash } from 'node:crypto';
import { isMap, isScalar, isSeq, parseDocument, visit, type Document } from 'yaml';
import type { ActivePersona, PersonaError } from '../bus/index.ts';
import { packSchema, SCHEMA_VERSION, unknownKeys, type Pack } from './schema.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Overrides = { onboarding?: Record<string, unknown>; user?: Record<string, unknown> };
export type Signature = { valid: boolean; signer: string | null; problem: string | null };

export type CompileInput = {
  file: string;
  text: string;
  folderId: string;
  overrides?: Overrides;
  signature?: Signature;
};
export type CompileResult =
  | { ok: true; persona: ActivePersona; pack: Pack; warnings: string[] }
  | { ok: false; error: PersonaError; warnings: string[] };

// Each step takes a pack of version N to N + 1.
const MIGRATIONS: Record<number, (p: Record<string, unknown>) => Record<string, unknown>> = {
  // Version 1 had identity, prompt and routing only; its fields mean the same in version 2.
  1: (p) => ({ ...p, schema_version: 2 }),
};

export function migrate(raw: Record<string, unknown>): Record<string, unknown> {
  let p = raw;
  while (
    typeof p.schema_version === 'number' &&
    p.schema_version < SCHEMA_VERSION &&
    MIGRATIONS[p.schema_version]
  )
    p = MIGRATIONS[p.schema_version](p);
  return p;
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** Where a path into the pack is in the text: the deepest node that exists along it. */
function locate(
  doc: Document,
  text: string,
  path: PropertyKey[],
): { line: number; column: number } {
  for (let n = path.length; n > 0; n--) {
    const node = doc.getIn(path.slice(0, n) as Array<string | number>, true) as
      { range?: [number, number] } | undefined;
    if (node?.range) return positionOf(text, node.range[0]);
    // A key with no value: point at the key itself.
    const parent =
      n > 1 ? doc.getIn(path.slice(0, n - 1) as Array<string | number>, true) : doc.contents;
    if (isMap(parent)) {
      const pair = parent.items.find((i) => (i.key as { value?: unknown })?.value === path[n - 1]);
      const range = (pair?.key as { range?: [number, number] } | undefined)?.range;
      if (range) return positionOf(text, range[0]);
    }
    if (isSeq(parent)) break;
  }
  return { line: 1, column: 1 };
}

function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (!over) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      b &&
      typeof b === 'object' &&
      !Array.isArray(b)
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** JSON with sorted keys: the artifact's bytes do not depend on the order fields were written. */
export function canonical(value: unknown): string {
  const sort = (v: unknown): Json =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : (v as Json);
  return JSON.stringify(sort(value));
}

const VERBOSITY = {
  terse: 'Answer in as few words as will do.',
  balanced: 'Keep answers short unless asked for depth.',
  expansive: 'Explain fully, with examples when they help.',
};
const HUMOUR = {
  none: 'Stay earnest; no jokes.',
  dry: 'A little dry humour is welcome.',
  playful: 'Be playful and light-hearted.',
};
const EMOJI = {
  never: 'Never use emoji.',
  sometimes: 'An emoji now and then is fine.',
  often: 'Use emoji freely.',
};

function systemPrompt(p: Pack): string {
  const level = (x: number) => (x < 0.34 ? 'low' : x < 0.67 ? 'moderate' : 'high');
  return [
    p.system_prompt.trim(),
    '',
    `You are ${p.display_name}, the user's ${p.identity.relationship}. Warmth: ${level(p.identity.warmth)}; formality: ${level(p.identity.formality)}; initiative: ${level(p.identity.initiative)}.`,
    `${VERBOSITY[p.style.verbosity]} ${HUMOUR[p.style.humour]} ${EMOJI[p.style.emoji]}`,
    ...(p.identity.boundaries.length ? [`Boundaries: ${p.identity.boundaries.join('; ')}.`] : []),
  ].join('\n');
}

function summary(p: Pack, signature: Signature | undefined): string[] {
  const modes = Object.entries(p.policy.defaults).sort(([a], [b]) => a.localeCompare(b));
  return [
    `${p.display_name}: your ${p.identity.relationship}, ${p.style.verbosity}, humour ${p.style.humour}.`,
    `Replies prefer the ${p.routing.preferred_tier} model; privacy posture ${p.routing.privacy_posture}.`,
    `Memories are kept ${p.memory.retention_days} days${p.memory.never_remember.length ? `; never remembered: ${p.memory.never_remember.join(', ')}` : ''}.`,
    ...(modes.length ? [`Its own rules: ${modes.map(([c, m]) => `${c} ${m}`).join(', ')}.`] : []),
    signature?.valid
      ? `Signed by ${signature.signer}: its policy defaults may widen what your preset allows.`
      : `Not signed by a key you trust${signature?.problem ? ` (${signature.problem})` : ''}: its policy defaults can only make Aether more careful.`,
  ];
}

// Bounds that keep one compile well under ~100 ms on a slow machine (bench:persona measures it):
// the largest real packs are a few KB with a hundred fields.
export const LIMITS = { bytes: 256 * 1024, fields: 4000, aliases: 100 };

/** Where the text passes the field limit, or null: each `:` or `,` may start one more node. */
function overFieldLimit(text: string): number | null {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c === 58 || c === 44) && ++count > LIMITS.fields) return i; // ':' ','
  }
  return null;
}

/** Duplicate keys in any mapping, in one pass (the parser's own check compares every pair). */
function duplicateKey(doc: Document): number | null {
  let found: number | null = null;
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const k = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(k)) {
          found = (pair.key as { range?: [number, number] } | null)?.range?.[0] ?? 0;
          return visit.BREAK;
        }
        seen.add(k);
      }
      return undefined;
    },
  });
  return found;
}

export function compile(input: CompileInput): CompileResult {
  const warnings: string[] = [];
  const fail = (line: number, column: number, message: string): CompileResult => ({
    ok: false,
    error: { file: input.file, line, column, message },
    warnings,
  });
  const failAt = (offset: number, message: string) => {
    const at = positionOf(input.text, offset);
    return fail(at.line, at.column, message);
  };
  if (input.text.length > LIMITS.bytes)
    return failAt(
      LIMITS.bytes,
      `this pack is too large (${input.text.length} characters; at most ${LIMITS.bytes})`,
    );
  const over = overFieldLimit(input.text);
  if (over !== null)
    return failAt(over, `this pack is too large (more than ${LIMITS.fields} fields and items)`);
  const doc = parseDocument(input.text, { prettyErrors: false, uniqueKeys: false });
  const yamlError = doc.errors[0];
  if (yamlError) return failAt(yamlError.pos[0], yamlError.message.split('\n')[0]);
  const duplicate = duplicateKey(doc);
  if (duplicate !== null) return failAt(duplicate, 'Map keys must be unique');
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: LIMITS.aliases });
  } catch (error) {
    // The yaml package refuses an alias that expands too far (a "billion laughs" bomb).
    return fail(
      1,
      1,
      `this pack uses aliases (*name) that expand too far: ${(error as Error).message}`,
    );
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return fail(
      1,
      1,
      'a persona pack is a mapping of fields (schema_version, id, display_name, …)',
    );
  const version = (raw as Record<string, unknown>).schema_version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    const at = locate(doc, input.text, ['schema_version']);
    return fail(
      at.line,
      at.column,
      'schema_version: a whole number is required (this Aether reads versions 1 to 2)',
    );
  }
  if (version > SCHEMA_VERSION) {
    const at = locate(doc, input.text, ['schema_version']);
    return fail(
      at.line,
      at.column,
      `schema_version ${version} is newer than this Aether understands (up to ${SCHEMA_VERSION}); update Aether to use this pack`,
    );
  }
  const migrated = migrate(raw as Record<string, unknown>);
  for (const key of unknownKeys(migrated))
    warnings.push(`unknown field '${key}' is kept but not used`);
  const merged = deepMerge(deepMerge(migrated, input.overrides?.onboarding), input.overrides?.user);
  const parsed = packSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = locate(doc, input.text, issue.path);
    return fail(at.line, at.column, `${issue.path.join('.') || 'persona'}: ${issue.message}`);
  }
  const p = parsed.data;
  if (p.id !== input.folderId) {
    const at = locate(doc, input.text, ['id']);
    return fail(at.line, at.column, `id '${p.id}' must match its folder '${input.folderId}'`);
  }
  if (p.avatar.motion.min > p.avatar.motion.max) {
    const at = locate(doc, input.text, ['avatar', 'motion']);
    return fail(at.line, at.column, 'avatar.motion: min must not be more than max');
  }
  const signed = input.signature?.valid ?? false;
  const body: Omit<ActivePersona, 'hash'> = {
    id: p.id,
    displayName: p.display_name,
    tagline: p.tagline,
    systemPrompt: systemPrompt(p),
    phrases: { ...p.phrases },
    voice: {
      engine: p.voice.engine,
      voiceId: p.voice.voice_id,
      speed: p.voice.speed,
      pitch: p.voice.pitch,
    },
    memory: {
      retentionDays: p.memory.retention_days,
      remember: p.memory.remember,
      neverRemember: p.memory.never_remember,
    },
    presence: {
      faceColour: p.avatar.face_colour,
      accentColour: p.avatar.accent_colour,
      shape: p.avatar.shape,
      blinkPerMinute: p.avatar.blink_per_minute,
      gaze: p.avatar.gaze,
      motion: p.avatar.motion,
    },
    routing: {
      preferredTier: p.routing.preferred_tier,
      temperature: p.routing.temperature,
      maxOutputTokens: p.routing.max_output_tokens,
      latencyBudgetMs: p.routing.latency_budget_ms,
      privacyPosture: p.routing.privacy_posture,
    },
    policy: { modes: p.policy.defaults, signed, signer: signed ? input.signature!.signer : null },
    summary: summary(p, input.signature),
  };
  const hash = createHash('sha256').update(canonical(body)).digest('hex');
  // Parsed back from the canonical bytes, so key order too is the same for the same input.
  return {
    ok: true,
    persona: { ...(JSON.parse(canonical(body)) as Omit<ActivePersona, 'hash'>), hash },
    pack: p,
    warnings,
  };
}
