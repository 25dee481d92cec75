// Opens the one SQLite file Aether keeps, with the pragmas every connection needs.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AetherError } from '../bus/index.ts';

export type Db = Database.Database;

export function openDatabase(file: string): Db {
  mkdirSync(dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // NORMAL is durable across application crashes in WAL mode; the audit ledger raises it
    // to FULL on its own writes when a decision must survive power loss.
    db.pragma('synchronous = NORMAL');
  } catch (error) {
    throw new AetherError('StorageFailed', `cannot open the database at ${file}: ${(error as Error).message}`);
  }
  return db;
}
