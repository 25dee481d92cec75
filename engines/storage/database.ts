// Opens the one SQLite file Aether keeps, with the pragmas every connection needs.
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { AetherError } from '../bus/index.ts';

export type Db = Database.Database;

/** The data folder is the user's alone, whatever the umask: 0700, and the database files 0600. */
function makePrivate(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  chmodSync(dirname(file), 0o700);
  // SQLite gives its -wal and -shm files the mode of the database file, so that one is made first.
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

export function openDatabase(file: string): Db {
  let db: Db;
  try {
    makePrivate(file);
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // NORMAL is durable across application crashes in WAL mode; the audit ledger raises it
    // to FULL on its own writes when a decision must survive power loss.
    db.pragma('synchronous = NORMAL');
  } catch (error) {
    throw new AetherError(
      'StorageFailed',
      `cannot open the database at ${file}: ${(error as Error).message}`,
    );
  }
  return db;
}
