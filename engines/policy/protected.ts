// What nothing may touch, whatever was granted: Aether's own keys, ledger and database, the usual
// homes of credentials, and the programs in EXEC_TABLE.blocked. A hard link is another name of
// the same file, so protection also follows device+inode.
import { lstatSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { PolicyState } from './evaluate.ts';
import { EXEC_TABLE } from './exec-safety.ts';

/** Names that no executor may touch inside a persona folder: who is trusted, and each pack's signature. */
const TRUST_FILES = ['trusted-keys.json', 'persona.sig'];

export function hardBlocks(dataDir: string, bundledPersonas?: string, home = homedir()): PolicyState['hardBlocks'] {
  // A program can move a whole folder away and back, so for process.exec the folders are blocked whole.
  const named = [join(dataDir, 'personas'), ...(bundledPersonas ? [bundledPersonas] : [])].map((root) => ({ root, names: TRUST_FILES }));
  const paths = [
    ...['keys', 'audit', 'aether.db', 'aether.db-wal', 'aether.db-shm'].map((p) => join(dataDir, p)),
    join(home, '.ssh'), join(home, '.gnupg'), join(home, '.aws'), join(home, '.config', 'gcloud'), '/etc/shadow', '/etc/sudoers',
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
    try { st = lstatSync(path); } catch { return; }
    if (st.isFile()) out.add(`${st.dev}:${st.ino}`);
    else if (st.isDirectory() && depth < 4) {
      let names: string[] = [];
      try { names = readdirSync(path); } catch { return; }
      for (const name of names) walk(join(path, name), depth + 1);
    }
  };
  for (const p of paths) walk(p, 0);
  return out;
}
