// Reads a persona pack's YAML. Errors name the file, line and column, never a stack trace.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { AetherError, type ActivePersona } from '../bus/index.ts';

const packSchema = z.object({
  schema_version: z.literal(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  display_name: z.string().min(1).max(80),
  tagline: z.string().max(200).default(''),
  system_prompt: z.string().min(1),
  routing: z.object({
    preferred_tier: z.enum(['local', 'remote']).optional(),
    temperature: z.number().min(0).max(2).optional(),
    max_output_tokens: z.number().int().positive().max(32_768).optional(),
    latency_budget_ms: z.number().int().positive().optional(),
  }).loose().optional(),
}).loose();

export function loadPersona(personasDir: string, id: string): ActivePersona {
  const file = join(personasDir, id, 'persona.yaml');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new AetherError('PersonaInvalid', `persona '${id}' not found at ${file}`, { file });
  }
  const doc = parseDocument(text, { prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const [line, column] = yamlError.linePos ? [yamlError.linePos[0].line, yamlError.linePos[0].col] : [1, 1];
    throw new AetherError('PersonaInvalid', `${file}:${line}:${column}: ${yamlError.message.split('\n')[0]}`, { file, line, column });
  }
  const parsed = packSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const node = doc.getIn(issue.path as Array<string | number>, true) as { range?: [number, number] } | undefined;
    const { line, column } = positionOf(text, node?.range?.[0] ?? 0);
    throw new AetherError('PersonaInvalid', `${file}:${line}:${column}: ${issue.path.join('.') || 'persona'}: ${issue.message}`, { file, line, column });
  }
  if (parsed.data.id !== id) {
    throw new AetherError('PersonaInvalid', `${file}: id '${parsed.data.id}' must match its folder '${id}'`, { file });
  }
  const r = parsed.data.routing;
  return {
    id, displayName: parsed.data.display_name, tagline: parsed.data.tagline, systemPrompt: parsed.data.system_prompt.trim(),
    routing: {
      preferredTier: r?.preferred_tier ?? null, temperature: r?.temperature ?? null,
      maxOutputTokens: r?.max_output_tokens ?? null, latencyBudgetMs: r?.latency_budget_ms ?? null,
    },
  };
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}
