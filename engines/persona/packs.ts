// The packs on disk: the bundled folder (read-only) and the user's (saved edits, copies, imports;
// a user pack hides a bundled one of the same id), the trusted keys, and compiling one pack with
// the user's overrides and its signature checked.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile, type CompileResult } from './compile.ts';
import { checkSignature, trustedKeysSchema, type TrustedKey } from './signature.ts';

export type Located = { id: string; folder: string; file: string; source: 'bundled' | 'user' };
type Settings = { get<T>(key: string): T | undefined };

type Dirs = { personasDir: string; userDir: string };

function trusted(dirs: Dirs): TrustedKey[] {
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

function locate(dirs: Dirs, id: string): Located | null {
  for (const [dir, source] of [
    [dirs.userDir, 'user'],
    [dirs.personasDir, 'bundled'],
  ] as const) {
    const file = join(dir, id, 'persona.yaml');
    if (existsSync(file)) return { id, folder: join(dir, id), file, source };
  }
  return null;
}

function ids(dirs: Dirs): string[] {
  const list = (dir: string) =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true })
          .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'persona.yaml')))
          .map((d) => d.name)
      : [];
  return [...new Set([...list(dirs.personasDir), ...list(dirs.userDir)])].sort();
}

function build(settings: Settings, at: Located, text: string, keys: TrustedKey[]): CompileResult {
  const overrides = {
    onboarding: settings.get<Record<string, unknown>>('persona.onboarding'),
    user: settings.get<Record<string, unknown>>('persona.user_overrides'),
  };
  const signature = checkSignature(at.folder, text, keys);
  return compile({ file: at.file, text, folderId: at.id, overrides, signature });
}

export function createPackLibrary(dirs: Dirs, settings: Settings) {
  const userFile = (id: string) => join(dirs.userDir, id, 'persona.yaml');
  return {
    trusted: () => trusted(dirs),
    locate: (id: string) => locate(dirs, id),
    /** Where a pack of this id is, or would be written (the user's folder). */
    locateOrNew: (id: string): Located =>
      locate(dirs, id) ?? {
        id,
        folder: join(dirs.userDir, id),
        file: userFile(id),
        source: 'user',
      },
    ids: () => ids(dirs),
    /** `keys`: the trusted keys, read once by callers that compile many packs. */
    build: (at: Located, text = readFileSync(at.file, 'utf8'), keys = trusted(dirs)) =>
      build(settings, at, text, keys),
    userFile,
  };
}

export type PackLibrary = ReturnType<typeof createPackLibrary>;
