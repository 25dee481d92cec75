// Test fixture: a ledger on a real SQLite file in a temp folder, plus an attacker's handle on
// the same file (triggers dropped), for the tamper and crash tests.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../bus/index.ts';
import { sourceResources } from '../../host/index.ts';
import { openStorage, type Storage } from '../../storage/index.ts';
import { fileVault, loadKeyring, loadSigningKey, vaultDir } from './keys.ts';
import { Ledger, type AuditEntry } from './ledger.ts';

export const VERIFY_WORKER = fileURLToPath(new URL('./verify-worker.ts', import.meta.url));

export type LedgerFixture = {
  dir: string;
  storage: Storage;
  ledger: Ledger;
  checkpointFile: string;
  open(): Ledger;
};

export function ledgerFixture(
  options: { dir?: string; checkpointEveryRows?: number; env?: NodeJS.ProcessEnv } = {},
): LedgerFixture {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'aether-ledger-'));
  const storage = openStorage({ dataDir: dir, migrationsDir: sourceResources.migrationsDir });
  const vault = fileVault(vaultDir(dir));
  const checkpointFile = join(dir, 'audit', 'checkpoints.log');
  let t = 1_700_000_000_000;
  const open = () =>
    new Ledger({
      db: storage.db,
      keyring: loadKeyring(vault, options.env ?? {}),
      signingKey: loadSigningKey(vault),
      checkpointFile,
      pin: {
        get: () => storage.settings.get<string>('audit.checkpoint_public_key'),
        set: (v) => storage.settings.set('audit.checkpoint_public_key', v),
      },
      // Each row a millisecond after the last, so row times are distinct and known.
      clock: { ...systemClock(), now: () => ++t },
      checkpointEveryRows: options.checkpointEveryRows ?? 10,
      verifyWorkerEntry: VERIFY_WORKER,
      anchor: {
        read: () => vault.read('audit-anchor.json'),
        write: (text) => vault.write('audit-anchor.json', text),
      },
    });
  return { dir, storage, ledger: open(), checkpointFile, open };
}

export function sampleEntry(i: number): AuditEntry {
  return {
    changeId: `change-${i}`,
    kind: i % 2 ? 'policy.decision' : 'policy.outcome',
    actor: 'persona:default',
    capability: 'files.read',
    resource: `/home/user/notes/${i}.md`,
    decision: i % 3 ? 'allow' : 'deny',
    reason: `rule-${i}`,
    details: { i, size: i * 10 },
  };
}

/** A second connection with the append-only triggers dropped: what an attacker with the file has. */
export function attacker(file: string): Database.Database {
  const db = new Database(file);
  db.exec(
    'DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;',
  );
  return db;
}
