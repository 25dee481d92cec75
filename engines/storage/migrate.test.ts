import { mkdtempSync, mkdirSync, readdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceResources } from '../host/index.ts';
import { loadMigrations, migrate, openDatabase, openStorage } from './index.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'aether-storage-'));

describe('migrations', () => {
  it('applies every migration to a fresh file, in order, and records each', () => {
    const dir = tempDir();
    const storage = openStorage({ dataDir: dir, migrationsDir: sourceResources.migrationsDir });
    const rows = storage.db
      .prepare('SELECT version, name FROM schema_migrations ORDER BY version')
      .all() as Array<{ version: number }>;
    expect(rows.map((r) => r.version)).toEqual(
      loadMigrations(sourceResources.migrationsDir).map((m) => m.version),
    );
    expect(storage.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(storage.db.pragma('foreign_keys', { simple: true })).toBe(1);
    storage.close();
  });

  it('applies nothing the second time and keeps the data', () => {
    const dir = tempDir();
    const first = openStorage({ dataDir: dir, migrationsDir: sourceResources.migrationsDir });
    first.conversations.create('c1', 'Kept', 1);
    first.close();
    const again = openStorage({ dataDir: dir, migrationsDir: sourceResources.migrationsDir });
    expect(again.migrations.applied).toEqual([]);
    expect(again.conversations.get('c1')?.title).toBe('Kept');
    again.close();
  });

  it('applies only the new migration to a database that already has data', () => {
    const dir = tempDir();
    const migrations = join(dir, 'migrations');
    mkdirSync(migrations);
    for (const f of readdirSync(sourceResources.migrationsDir))
      copyFileSync(join(sourceResources.migrationsDir, f), join(migrations, f));
    const before = openStorage({ dataDir: dir, migrationsDir: migrations });
    before.conversations.create('c1', 'Old', 1);
    const next = before.migrations.current + 1;
    before.close();
    writeFileSync(
      join(migrations, `${String(next).padStart(4, '0')}_add_pin.sql`),
      'ALTER TABLE conversations ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;',
    );
    const after = openStorage({ dataDir: dir, migrationsDir: migrations });
    expect(after.migrations.applied).toEqual([next]);
    expect(after.db.prepare('SELECT title, pinned FROM conversations').get()).toEqual({
      title: 'Old',
      pinned: 0,
    });
    after.close();
  });

  it('refuses a database written by a newer schema, with a clear message, and changes nothing', () => {
    const dir = tempDir();
    openStorage({ dataDir: dir, migrationsDir: sourceResources.migrationsDir }).close();
    const db = openDatabase(join(dir, 'aether.db'));
    db.prepare(
      'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (99, ?, ?, 0)',
    ).run('future', 'x');
    db.close();
    expect(() =>
      openStorage({ dataDir: dir, migrationsDir: sourceResources.migrationsDir }),
    ).toThrow(
      expect.objectContaining({
        code: 'SchemaTooNew',
        message: expect.stringMatching(/newer version of Aether/),
      }),
    );
    const check = openDatabase(join(dir, 'aether.db'));
    expect(
      (check.prepare('SELECT max(version) v FROM schema_migrations').get() as { v: number }).v,
    ).toBe(99);
    check.close();
  });

  it('rolls back a failing migration whole, leaving the earlier schema usable', () => {
    const dir = tempDir();
    const migrations = join(dir, 'migrations');
    mkdirSync(migrations);
    writeFileSync(join(migrations, '0001_ok.sql'), 'CREATE TABLE a (x INTEGER);');
    writeFileSync(
      join(migrations, '0002_broken.sql'),
      'CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);',
    );
    const db = openDatabase(join(dir, 'aether.db'));
    expect(() => migrate(db, loadMigrations(migrations))).toThrow(/nowhere/);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{
        name: string;
      }>
    ).map((t) => t.name);
    expect(tables).toContain('a');
    expect(tables).not.toContain('b');
    db.close();
  });

  it('refuses a migration edited after it was applied', () => {
    const dir = tempDir();
    const migrations = join(dir, 'migrations');
    mkdirSync(migrations);
    writeFileSync(join(migrations, '0001_ok.sql'), 'CREATE TABLE a (x INTEGER);');
    const db = openDatabase(join(dir, 'aether.db'));
    migrate(db, loadMigrations(migrations));
    writeFileSync(join(migrations, '0001_ok.sql'), 'CREATE TABLE a (x INTEGER, y INTEGER);');
    expect(() => migrate(db, loadMigrations(migrations))).toThrow(/changed after it was applied/);
    db.close();
  });
});
