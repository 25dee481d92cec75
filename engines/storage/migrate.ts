// Applies migrations/NNNN_name.sql in order, each inside a transaction, and records them.
// A database written by a newer Aether is refused rather than silently misread.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AetherError } from '../bus/index.ts';
import type { Db } from './database.ts';

export type Migration = { version: number; name: string; sql: string; checksum: string };

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function loadMigrations(dir: string): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => FILE.test(f))
    .map((f) => {
      const [, num, name] = FILE.exec(f)!;
      const sql = readFileSync(join(dir, f), 'utf8');
      return {
        version: Number(num),
        name,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(
        `migrations must be numbered 0001, 0002, … without gaps (found ${m.version} at position ${i + 1})`,
      );
  });
  return migrations;
}

export type MigrationReport = { applied: number[]; current: number };

export function migrate(
  db: Db,
  migrations: Migration[],
  now: () => number = Date.now,
): MigrationReport {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
  const done = db
    .prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version')
    .all() as Array<{ version: number; name: string; checksum: string }>;
  const known = migrations.at(-1)?.version ?? 0;
  const newest = done.at(-1)?.version ?? 0;
  if (newest > known) {
    throw new AetherError(
      'SchemaTooNew',
      `This database was written by a newer version of Aether (schema ${newest}; this version knows up to ${known}). ` +
        'Update Aether, or start it with another --data-dir.',
      { schema: newest, known },
    );
  }
  for (const row of done) {
    const m = migrations[row.version - 1];
    if (m && m.checksum !== row.checksum) {
      throw new AetherError(
        'StorageFailed',
        `migration ${String(row.version).padStart(4, '0')}_${row.name} was changed after it was applied; migrations are forward-only`,
      );
    }
  }
  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
  );
  const applied: number[] = [];
  for (const m of migrations.slice(newest)) {
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, m.checksum, now());
    })();
    applied.push(m.version);
  }
  return { applied, current: Math.max(newest, known) };
}
