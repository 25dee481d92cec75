// What every part of L2 works with: the store and its queries, vectors, embeddings, sessions,
// the persona's memory rules, and the settings.
import { AetherError, type Bus, type Clock, type MemoryItem, type NewId } from '../bus/index.ts';
import type { Db } from '../storage/index.ts';
import { createEmbedQueue } from './embed-queue.ts';
import { MemoryQueries } from './queries.ts';
import { mentions } from './rules.ts';
import { Sessions } from './sessions.ts';
import { MemoryStore, type StoredItem } from './store.ts';
import { VectorIndex } from './vectors.ts';

export type MemoryDeps = {
  bus: Bus;
  db: Db;
  dataDir: string;
  clock: Clock;
  newId: NewId;
  settings: { get<T>(key: string): T | undefined; set(key: string, value: unknown): void };
  /** How long a forgotten item's tombstone lasts before its content is deleted. */
  graceMs?: number;
  consolidateEveryMs?: number;
  /** How long the companion must be quiet before the model looks for facts (default 20 s). */
  extractIdleMs?: number;
  extractMaxTokens?: number;
  /** How long a conversation must be quiet before the model summarises it (default 2 hours). */
  summarizeQuietMs?: number;
};

export const DAY = 86_400_000;

/** The parts every memory function works with. */
export function createBase(deps: MemoryDeps) {
  const { bus, db } = deps;
  const store = new MemoryStore(db);
  const queries = new MemoryQueries(db);
  const vectors = new VectorIndex(db);
  const embeddings = createEmbedQueue(bus, vectors, db, deps.clock);
  const sessions = new Sessions(db, store);
  const graceMs = deps.graceMs ?? 7 * DAY;
  // The active persona's memory rules (its L2 artifact): how long turns are kept, and what is
  // never remembered — a turn that mentions such a thing is kept as a secret (never in a prompt,
  // never extracted).
  const rules = { retentionDays: 365, neverRemember: [] as string[] };
  const never = (text: string) => rules.neverRemember.some((p) => mentions(text, p));
  const changed = (reason: string, id: string | null = null) =>
    bus.emit('memory.changed', { reason, id }, { source: 'memory' });

  // The people memory has heard from, so a question naming one favours what they said.
  let speakerCache: { at: number; names: string[] } | null = null;
  const speakers = (): string[] => {
    if (!speakerCache || deps.clock.now() - speakerCache.at > 60_000)
      speakerCache = { at: deps.clock.now(), names: queries.speakers() };
    return speakerCache.names;
  };

  function require(id: string): StoredItem {
    const item = store.get(id);
    if (!item) throw new AetherError('NotFound', `no memory ${id}`);
    return item;
  }

  /** The item as the bus carries it: without the storage rowid. */
  function plain(id: string): MemoryItem {
    const { rowid: _r, ...item } = require(id);
    return item;
  }

  const setting = <T>(key: string, fallback: T): T => deps.settings.get<T>(key) ?? fallback;
  const settingsView = () => ({
    consolidationPaused: setting('memory.consolidation_paused', false),
    modelExtraction: setting('memory.model_extraction', true),
    keeping: setting<'on' | 'ask' | 'off'>('memory.keeping', 'on'),
  });

  return {
    deps,
    db,
    store,
    queries,
    vectors,
    embeddings,
    sessions,
    graceMs,
    rules,
    never,
    changed,
    speakers,
    resetSpeakers: () => {
      speakerCache = null;
    },
    require,
    plain,
    settingsView,
  };
}

export type MemoryBase = ReturnType<typeof createBase>;
