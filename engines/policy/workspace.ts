// Moving the workspace folder: where automatic file actions may happen. The new folder must be
// a real folder, not the whole disk and not Aether's own data.
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, parse } from 'node:path';
import { AetherError } from '../bus/index.ts';
import { isInside } from './resources.ts';

/** Where automatic file actions may happen; moved only by an approved policy.change. */
export type WorkspaceFolder = { get(): string; set(path: string): void };

/** The folder's real path, or a BadRequest saying why it cannot be the workspace. */
export function checkWorkspace(path: string, dataDir: string): string {
  if (!isAbsolute(path))
    throw new AetherError('BadRequest', `give the folder's full path, not "${path}"`);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new AetherError('BadRequest', `there is no folder at ${path}`);
  }
  if (!statSync(real).isDirectory()) throw new AetherError('BadRequest', `${path} is not a folder`);
  if (parse(real).root === real)
    throw new AetherError('BadRequest', 'the whole disk cannot be the workspace');
  // A workspace holding the data folder is fine (the hard blocks guard it); one inside it is not.
  if (isInside(real, realOr(dataDir)))
    throw new AetherError('BadRequest', "Aether's own data folder cannot be the workspace");
  return real;
}

function realOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
