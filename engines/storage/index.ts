export { openStorage, type Storage } from './storage.ts';
export { openDatabase, type Db } from './database.ts';
export { loadMigrations, migrate, type Migration, type MigrationReport } from './migrate.ts';
export type { ConversationStore, TurnOutcome } from './conversations.ts';
