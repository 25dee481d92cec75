// The workspace folder for this run: the one given at start (--workspace) wins, then the one the
// user chose in settings (while it still exists), then the home folder.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import type { WorkspaceFolder } from '../policy/index.ts';

type Settings = { get<T>(key: string): T | undefined };

export function workspaceFolder(given: string | undefined, settings: Settings): WorkspaceFolder {
  const saved = settings.get<string>('policy.workspace');
  let current = given ?? (saved && existsSync(saved) ? saved : homedir());
  return {
    get: () => current,
    set: (path) => {
      current = path;
    },
  };
}
