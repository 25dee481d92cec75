// One pack compiled from its folder, outside the engine (benchmarks, tools). Errors name the file,
// line and column.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AetherError, type ActivePersona } from '../bus/index.ts';
import { compile } from './compile.ts';

export function loadPersona(personasDir: string, id: string): ActivePersona {
  const file = join(personasDir, id, 'persona.yaml');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new AetherError('PersonaInvalid', `persona '${id}' not found at ${file}`, { file });
  }
  const r = compile({ file, text, folderId: id });
  if (!r.ok)
    throw new AetherError(
      'PersonaInvalid',
      `${r.error.file}:${r.error.line}:${r.error.column}: ${r.error.message}`,
      { ...r.error },
    );
  return r.persona;
}
