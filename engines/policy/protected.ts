// What nothing may touch, whatever was granted: Aether's own keys, ledger and database, the usual
// homes of credentials, and the programs in EXEC_TABLE.blocked. A hard link is another name of
// the same file, so protection also follows device+inode.
import { lstatSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { PolicyState } from './evaluate.ts';
import { EXEC_TABLE } from './exec-safety.ts';

/** The one table of what is protected; protected.test.ts has a case per entry. */
export const PROTECTED = {
  /** Aether's own keys, ledger and database, under the data folder. */
  data: ['keys', 'audit', 'aether.db', 'aether.db-wal', 'aether.db-shm'],
  /** The usual homes of credentials, under the user's home folder. */
  home: [
    '.ssh',
    '.gnupg',
    '.aws',
    '.config/gcloud',
    '.kube',
    '.docker/config.json',
    '.netrc',
    '.password-store',
  ],
  /** System files. */
  system: ['/etc/shadow', '/etc/gshadow', '/etc/sudoers', '/etc/sudoers.d'],
  /** By name, anywhere under the user's and the bundled persona folders: who is trusted, and each pack's signature. */
  trust: ['trusted-keys.json', 'persona.sig'],
};

export function hardBlocks(
  dataDir: string,
  bundledPersonas?: string,
  home = homedir(),
): PolicyState['hardBlocks'] {
  // A program can move a whole folder away and back, so for process.exec the persona folders are blocked whole.
  const named = [join(dataDir, 'personas'), ...(bundledPersonas ? [bundledPersonas] : [])].map(
    (root) => ({ root, names: PROTECTED.trust }),
  );
  const paths = [
    ...PROTECTED.data.map((p) => join(dataDir, p)),
    ...PROTECTED.home.map((p) => join(home, p)),
    ...PROTECTED.system,
  ];
  return { paths, named, programs: EXEC_TABLE.blocked, inodes: () => protectedInodes(paths) };
}

const MAX_ENTRIES = 5000;

/** device:inode of every file under the protected paths (a few levels deep; they are small folders). */
export function protectedInodes(paths: string[]): Set<string> {
  const out = new Set<string>();
  let seen = 0;
  const walk = (path: string, depth: number) => {
    if (seen++ > MAX_ENTRIES) return;
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return;
    }
    if (st.isFile()) out.add(`${st.dev}:${st.ino}`);
    else if (st.isDirectory() && depth < 4) {
      let names: string[];
      try {
        names = readdirSync(path);
      } catch {
        return;
      }
      for (const name of names) walk(join(path, name), depth + 1);
    }
  };
  for (const p of paths) walk(p, 0);
  return out;
}
