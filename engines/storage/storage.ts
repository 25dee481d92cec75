// Opens aether.db in the data folder, migrated and ready, with the typed stores on it.
import { join } from 'node:path';
import { openDatabase, type Db } from './database.ts';
import { loadMigrations, migrate, type MigrationReport } from './migrate.ts';
import { createConversationStore } from './conversations.ts';
import { createSettingsStore } from './settings.ts';

export type Storage = {
  db: Db;
  file: string;
  migrations: MigrationReport;
  conversations: ReturnType<typeof createConversationStore>;
  settings: ReturnType<typeof createSettingsStore>;
  close(): void;
};

export function openStorage(options: {
  dataDir: string;
  migrationsDir: string;
  now?: () => number;
}): Storage {
  const file = join(options.dataDir, 'aether.db');
  const db = openDatabase(file);
  try {
    const report = migrate(db, loadMigrations(options.migrationsDir), options.now);
    return {
      db,
      file,
      migrations: report,
      conversations: createConversationStore(db),
      settings: createSettingsStore(db),
      close: () => {
        if (db.open) db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
