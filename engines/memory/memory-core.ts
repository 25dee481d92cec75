// What L2's handlers share: the store and its queries, vectors, sessions, the persona's memory
// rules, and the ways a fact is written (through L5), proposed (waiting for the user) or forgotten.
import {
  AetherError,
  type Bus,
  type Clock,
  type FactWrite,
  type MemoryItem,
  type NewId,
} from '../bus/index.ts';
import type { Db } from '../storage/index.ts';
import { createEmbedQueue } from './embed-queue.ts';
import { createModelExtractor, type Candidate, type ExtractedFact } from './extract-model.ts';
import { MemoryQueries } from './queries.ts';
import { classifyPrivacy, mentions, normalize, subjectOf } from './rules.ts';
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

export function createMemoryCore(deps: MemoryDeps) {
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

  /** An item in the user's words, kept until they revoke it; `rest` is what differs by how it came. */
  const fromWrite = (
    w: FactWrite,
    rest: { confidence: number; salience: number; contradicts: string | null; status?: 'proposed' },
  ) => ({
    id: deps.newId(),
    kind: w.kind,
    content: w.content,
    privacy: w.privacy,
    retention: 'until-revoked',
    expiresAt: null,
    speaker: 'user',
    conversationId: w.conversationId,
    occurredAt: w.occurredAt,
    ...rest,
  });

  /** Writes a durable fact: a duplicate reinforces the one there; a contradiction is kept, flagged. */
  function writeFact(w: FactWrite): MemoryItem {
    const key = normalize(w.content);
    // One read of the active items of this kind serves both the duplicate and the contradiction check.
    const active = queries.activeOfKind(w.kind);
    const provenance = { source: 'turn', ref: w.turnId ?? 'user', extractor: w.extractor };
    const same = active.find((i) => normalize(i.content) === key);
    if (same) {
      queries.reinforce(same.id, deps.clock.now());
      store.addProvenance(same.id, provenance, deps.clock.now());
      changed('reinforced', same.id);
      return store.get(same.id)!;
    }
    const subject = subjectOf(w.content);
    const contradicts =
      subject && w.kind === 'fact'
        ? (active.find((i) => {
            const s = subjectOf(i.content);
            return s !== null && s.subject === subject.subject && s.value !== subject.value;
          })?.id ?? null)
        : null;
    const item = store.add(
      fromWrite(w, {
        confidence: w.extractor === 'rules:explicit' ? 1 : 0.7,
        salience: 1.5,
        contradicts,
      }),
      [provenance],
      deps.clock.now(),
    );
    embeddings.later(item.rowid, item.content);
    changed(contradicts ? 'contradiction' : 'added', item.id);
    return item;
  }

  /** A fact goes to L5 as memory.write_durable: the user's own words, or background work. */
  function askToWrite(
    w: FactWrite,
    changeId: string | undefined,
    o: { confirmedByUser?: boolean; unattended?: boolean },
  ) {
    return bus.invoke(
      'policy.perform',
      {
        capability: 'memory.write_durable',
        target: w.content.slice(0, 500),
        input: w,
        actor: o.confirmedByUser ? 'user' : 'memory',
        why: o.confirmedByUser
          ? 'you asked me to remember this'
          : 'the model noticed this in what you said',
        ...o,
      },
      { changeId },
    );
  }

  /** A preference heard in passing, or a fact with nobody there to allow it: waits for the user. */
  function propose(w: FactWrite): string {
    const key = normalize(w.content);
    const same = queries.liveOfKind(w.kind).find((i) => normalize(i.content) === key);
    const provenance = { source: 'turn', ref: w.turnId ?? 'user', extractor: w.extractor };
    if (same) {
      store.addProvenance(same.id, provenance, deps.clock.now());
      return same.id;
    }
    const p = store.add(
      fromWrite(w, {
        confidence: w.extractor.startsWith('model:') ? 0.6 : 0.8,
        salience: 1,
        contradicts: null,
        status: 'proposed',
      }),
      [provenance],
      deps.clock.now(),
    );
    changed('proposed', p.id);
    return p.id;
  }

  /** What the model found: facts go to L5 unattended (a draft becomes a proposal), preferences wait. */
  async function writeExtracted(
    c: Candidate,
    facts: ExtractedFact[],
    extractor: string,
  ): Promise<void> {
    for (const f of facts) {
      const privacy = classifyPrivacy(f.content);
      // Secrets and what the persona never remembers stay out.
      if (privacy === 'secret' || never(f.content)) continue;
      const w: FactWrite = {
        kind: f.kind,
        content: f.content,
        privacy,
        conversationId: c.conversationId,
        turnId: c.turnId,
        occurredAt: c.at,
        extractor,
      };
      if (f.kind === 'preference') {
        propose(w);
        continue;
      }
      const o = await askToWrite(w, undefined, { unattended: true });
      if (o.status === 'draft') propose(w);
      else if (o.status !== 'done') changed('write-denied', null);
    }
  }

  const setting = <T>(key: string, fallback: T): T => deps.settings.get<T>(key) ?? fallback;
  const settingsView = () => ({
    consolidationPaused: setting('memory.consolidation_paused', false),
    modelExtraction: setting('memory.model_extraction', true),
  });
  const extractor = createModelExtractor({
    bus,
    enabled: () => settingsView().modelExtraction,
    clock: deps.clock,
    idleMs: deps.extractIdleMs ?? 20_000,
    maxTokens: deps.extractMaxTokens ?? 160,
    write: writeExtracted,
  });

  function forget(item: { id: string; rowid: number }, at: number): void {
    queries.forget(item.id, at, at + graceMs);
    store.unindex(item.rowid);
  }

  /** Forgotten items must not live on in a session memory that quotes them. */
  function forgetAll(items: StoredItem[], at: number): void {
    const conversations = new Set<string>();
    db.transaction(() => {
      for (const i of items) {
        forget(i, at);
        if (i.kind === 'session') sessions.forgotten(i.id);
        if (i.kind === 'turn' && i.conversationId) conversations.add(i.conversationId);
      }
      for (const c of conversations) {
        const empty = sessions.turnForgotten(c, at, deps.newId);
        if (empty) forget(empty, at);
      }
    })();
  }

  return {
    deps,
    store,
    queries,
    vectors,
    embeddings,
    sessions,
    graceMs,
    rules,
    extractor,
    never,
    changed,
    speakers,
    resetSpeakers: () => {
      speakerCache = null;
    },
    require,
    plain,
    writeFact,
    askToWrite,
    propose,
    forgetAll,
    settingsView,
  };
}

export type MemoryCore = ReturnType<typeof createMemoryCore>;
