// The persona compiler: validate → migrate → fill defaults → apply precedence (user override >
// onboarding choice > persona > system) → one artifact per engine. Pure: the same input gives the
// same bytes. Errors carry file, line and column from the YAML parser, never a stack trace.
import { createHash } from 'node:crypto';
import { isMap, isScalar, isSeq, parseDocument, visit, type Document } from 'yaml';
import type { ActivePersona, PersonaError } from '../bus/index.ts';
import { artifacts, type Signature } from './artifacts.ts';
import { packSchema, SCHEMA_VERSION, unknownKeys, type Pack } from './schema.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Overrides = { onboarding?: Record<string, unknown>; user?: Record<string, unknown> };
export type { Signature } from './artifacts.ts';

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

type Problem = { problem: { line: number; column: number; message: string } };
type Doc = ReturnType<typeof parseDocument>;

const problem = (line: number, column: number, message: string): Problem => ({
  problem: { line, column, message },
});
const problemAt = (text: string, offset: number, message: string): Problem => {
  const at = positionOf(text, offset);
  return problem(at.line, at.column, message);
};
const problemOn = (doc: Doc, text: string, path: Array<string | number>, message: string) => {
  const at = locate(doc, text, path);
  return problem(at.line, at.column, message);
};
const isProblem = (x: unknown): x is Problem =>
  typeof x === 'object' && x !== null && 'problem' in x;

/** The YAML, within the limits, as a mapping. */
function read(text: string): Problem | { doc: Doc; raw: Record<string, unknown> } {
  if (text.length > LIMITS.bytes)
    return problemAt(
      text,
      LIMITS.bytes,
      `this pack is too large (${text.length} characters; at most ${LIMITS.bytes})`,
    );
  const over = overFieldLimit(text);
  if (over !== null)
    return problemAt(
      text,
      over,
      `this pack is too large (more than ${LIMITS.fields} fields and items)`,
    );
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  const yamlError = doc.errors[0];
  if (yamlError) return problemAt(text, yamlError.pos[0], yamlError.message.split('\n')[0]);
  const duplicate = duplicateKey(doc);
  if (duplicate !== null) return problemAt(text, duplicate, 'Map keys must be unique');
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: LIMITS.aliases });
  } catch (error) {
    // The yaml package refuses an alias that expands too far (a "billion laughs" bomb).
    const why = (error as Error).message;
    return problem(1, 1, `this pack uses aliases (*name) that expand too far: ${why}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return problem(
      1,
      1,
      'a persona pack is a mapping of fields (schema_version, id, display_name, …)',
    );
  return { doc, raw: raw as Record<string, unknown> };
}

function checkVersion(doc: Doc, text: string, raw: Record<string, unknown>): Problem | null {
  const version = raw.schema_version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    return problemOn(
      doc,
      text,
      ['schema_version'],
      'schema_version: a whole number is required (this Aether reads versions 1 to 2)',
    );
  if (version > SCHEMA_VERSION)
    return problemOn(
      doc,
      text,
      ['schema_version'],
      `schema_version ${version} is newer than this Aether understands (up to ${SCHEMA_VERSION}); update Aether to use this pack`,
    );
  return null;
}

/** Migrated, merged with the user's overrides, checked against the schema and its folder. */
function validate(
  doc: Doc,
  input: CompileInput,
  raw: Record<string, unknown>,
  warnings: string[],
): Problem | Pack {
  const migrated = migrate(raw);
  for (const key of unknownKeys(migrated))
    warnings.push(`unknown field '${key}' is kept but not used`);
  const merged = deepMerge(deepMerge(migrated, input.overrides?.onboarding), input.overrides?.user);
  const parsed = packSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return problemOn(
      doc,
      input.text,
      issue.path as Array<string | number>,
      `${issue.path.join('.') || 'persona'}: ${issue.message}`,
    );
  }
  const p = parsed.data;
  if (p.id !== input.folderId)
    return problemOn(
      doc,
      input.text,
      ['id'],
      `id '${p.id}' must match its folder '${input.folderId}'`,
    );
  if (p.avatar.motion.min > p.avatar.motion.max)
    return problemOn(
      doc,
      input.text,
      ['avatar', 'motion'],
      'avatar.motion: min must not be more than max',
    );
  return p;
}

export function compile(input: CompileInput): CompileResult {
  const warnings: string[] = [];
  const failed = (x: Problem): CompileResult => ({
    ok: false,
    error: { file: input.file, ...x.problem },
    warnings,
  });
  const got = read(input.text);
  if (isProblem(got)) return failed(got);
  const badVersion = checkVersion(got.doc, input.text, got.raw);
  if (badVersion) return failed(badVersion);
  const p = validate(got.doc, input, got.raw, warnings);
  if (isProblem(p)) return failed(p);
  const body = artifacts(p, input.signature);
  const hash = createHash('sha256').update(canonical(body)).digest('hex');
  // Parsed back from the canonical bytes, so key order too is the same for the same input.
  const persona = { ...(JSON.parse(canonical(body)) as Omit<ActivePersona, 'hash'>), hash };
  return { ok: true, persona, pack: p, warnings };
}
