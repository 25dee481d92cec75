// The packs on disk: the bundled folder (read-only) and the user's (saved edits, copies, imports;
// a user pack hides a bundled one of the same id), the trusted keys, and compiling one pack with
// the user's overrides and its signature checked.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile, type CompileResult } from './compile.ts';
import { checkSignature, trustedKeysSchema, type TrustedKey } from './signature.ts';

export type Located = { id: string; folder: string; file: string; source: 'bundled' | 'user' };
type Settings = { get<T>(key: string): T | undefined };

export function createPackLibrary(
  dirs: { personasDir: string; userDir: string },
  settings: Settings,
) {
  function trusted(): TrustedKey[] {
    const read = (file: string) => {
      try {
        return trustedKeysSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
      } catch {
        return [];
      }
    };
    return [
      ...read(join(dirs.personasDir, 'trusted-keys.json')),
      ...read(join(dirs.userDir, 'trusted-keys.json')),
    ];
  }

  function locate(id: string): Located | null {
    for (const [dir, source] of [
      [dirs.userDir, 'user'],
      [dirs.personasDir, 'bundled'],
    ] as const) {
      const file = join(dir, id, 'persona.yaml');
      if (existsSync(file)) return { id, folder: join(dir, id), file, source };
    }
    return null;
  }

  /** Where a pack of this id is, or would be written (the user's folder). */
  const locateOrNew = (id: string): Located =>
    locate(id) ?? {
      id,
      folder: join(dirs.userDir, id),
      file: join(dirs.userDir, id, 'persona.yaml'),
      source: 'user',
    };

  function ids(): string[] {
    const list = (dir: string) =>
      existsSync(dir)
        ? readdirSync(dir, { withFileTypes: true })
            .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'persona.yaml')))
            .map((d) => d.name)
        : [];
    return [...new Set([...list(dirs.personasDir), ...list(dirs.userDir)])].sort();
  }

  /** `keys`: the trusted keys, read once by callers that compile many packs. */
  function build(
    at: Located,
    text = readFileSync(at.file, 'utf8'),
    keys = trusted(),
  ): CompileResult {
    const overrides = {
      onboarding: settings.get<Record<string, unknown>>('persona.onboarding'),
      user: settings.get<Record<string, unknown>>('persona.user_overrides'),
    };
    return compile({
      file: at.file,
      text,
      folderId: at.id,
      overrides,
      signature: checkSignature(at.folder, text, keys),
    });
  }

  return {
    trusted,
    locate,
    locateOrNew,
    ids,
    build,
    userFile: (id: string) => join(dirs.userDir, id, 'persona.yaml'),
  };
}

export type PackLibrary = ReturnType<typeof createPackLibrary>;
