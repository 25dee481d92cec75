// Retrieval: BM25 over each item's text and (weighted less) the turns around it, with porter
// stemming; items by a person the question names count a little more; then recency, salience and
// confidence. The query returns what it has when its deadline passes, marked partial.
import type { Statement } from 'better-sqlite3';
import type { MemoryHit, MemoryItem } from '../bus/index.ts';
import type { VectorIndex } from './vectors.ts';
import { toItem, type ItemRow, type MemoryStore } from './store.ts';

const STOP = new Set(
  (
    'a an the and or but if of to in on at for with from by about as is are was were be been being do does did have has had i you he ' +
    'she it we they me him her us them my your his its our their this that these those what which who whom whose when where why how can could would ' +
    'should will shall may might must not no yes so than too very just also any some all each every into over under again further then once here ' +
    'there both few more most other such only own same s t don now remember know tell anything something'
  ).split(' '),
);

// How much the neighbouring turns' text counts against the item's own (BM25 column weight).
const CONTEXT_WEIGHT = 0.5;
// Items said by the one person a question names.
const SPEAKER_BOOST = 1.3;

export function queryTerms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  return [
    ...new Set(
      words
        .map((w) => w.replace(/'s$/, '').replace(/'/g, ''))
        .filter((w) => w.length > 1 && !STOP.has(w)),
    ),
  ];
}

export type RetrieveOptions = {
  k: number;
  deadlineMs: number;
  /** Wall-clock ms (recency); the deadline runs on `monotonic` (the clock's, or performance's). */
  now: number;
  monotonic?: () => number;
  allowPrivacy?: MemoryItem['privacy'][];
  kinds?: MemoryItem['kind'][];
  /** Turns of this conversation from `since` on are in the prompt already. */
  inPrompt?: { conversationId: string; since: number };
  /** Names of people, to favour what the person a question names said. */
  speakers?: string[];
  /** The question's embedding and the index to search with it (hybrid retrieval). */
  vector?: { query: Float32Array; index: VectorIndex };
};

// Reciprocal rank fusion: each list contributes 1 / (RRF_K + rank), so neither scale dominates.
const RRF_K = 60;

// How many items each query term appears in, remembered for a while: a term that appears almost
// everywhere says little about relevance but makes BM25 score most of the store, so it is dropped
// when the question has rarer words.
const COMMON = 0.2;
const dfCache = new WeakMap<
  MemoryStore,
  { total: number; at: number; terms: Map<string, number> }
>();

function informative(store: MemoryStore, terms: string[], now: number): string[] {
  let c = dfCache.get(store);
  if (!c || now - c.at > 60_000) {
    c = {
      total: (store.db.prepare(`SELECT count(*) AS n FROM memory_fts`).get() as { n: number }).n,
      at: now,
      terms: new Map(),
    };
    dfCache.set(store, c);
  }
  if (c.total < 1000) return terms; // small stores: every word is cheap to score
  const df = (t: string) => {
    if (!c!.terms.has(t))
      c!.terms.set(
        t,
        (
          store.db
            .prepare(`SELECT count(*) AS n FROM memory_fts WHERE memory_fts MATCH ?`)
            .get(`"${t.replaceAll('"', '')}"`) as { n: number }
        ).n,
      );
    return c!.terms.get(t)!;
  };
  const rare = terms.filter((t) => df(t) / c!.total <= COMMON);
  return rare.length ? rare : terms;
}

// Prepared once per store: preparing it on every search costs more than small searches do.
const lexicalQueries = new WeakMap<MemoryStore, Statement<unknown[]>>();
function lexicalQuery(store: MemoryStore) {
  let q = lexicalQueries.get(store);
  if (!q) {
    q = store.db
      .prepare(`SELECT m.rowid AS rowid, m.*, bm25(memory_fts, 1.0, ${CONTEXT_WEIGHT}) AS bm FROM memory_fts
      JOIN memory_items m ON m.rowid = memory_fts.rowid WHERE memory_fts MATCH ? AND m.status = 'active' ORDER BY bm LIMIT ?`);
    lexicalQueries.set(store, q);
  }
  return q;
}

type Scored = { rowid: number; item: MemoryItem; score: number };
type Search = { o: RetrieveOptions; overdue: () => boolean };

const inPrompt = ({ inPrompt: p }: RetrieveOptions, item: MemoryItem) =>
  !!p &&
  item.kind === 'turn' &&
  item.conversationId === p.conversationId &&
  item.occurredAt >= p.since;

const admits = (o: RetrieveOptions, item: MemoryItem) =>
  (!o.allowPrivacy || o.allowPrivacy.includes(item.privacy)) &&
  (!o.kinds || o.kinds.includes(item.kind)) &&
  !inPrompt(o, item);

/** Salience and confidence nudge; age matters little against relevance (log-scaled). */
function nudge(o: RetrieveOptions, item: MemoryItem): number {
  const ageDays = Math.max(0, (o.now - item.occurredAt) / 86_400_000);
  return (
    (0.9 + (0.1 * Math.min(item.salience, 3)) / 3) *
    (0.8 + 0.2 * item.confidence) *
    (1 / (1 + 0.02 * Math.log1p(ageDays)))
  );
}

const toHit = (item: MemoryItem, score: number): MemoryHit => ({
  id: item.id,
  kind: item.kind,
  content: item.content,
  privacy: item.privacy,
  speaker: item.speaker,
  occurredAt: item.occurredAt,
  confidence: item.confidence,
  score,
});

/** BM25 over the informative words, what the named person said boosted; best first. */
function lexicalHits(store: MemoryStore, s: Search, terms: string[], named: string[]) {
  const lexical: Scored[] = [];
  let partial = false;
  if (terms.length === 0) return { lexical, partial };
  const match = terms.map((t) => `"${t.replaceAll('"', '')}"`).join(' OR ');
  const rows = lexicalQuery(store).iterate(match, Math.max(50, s.o.k * 5));
  for (const r of rows as IterableIterator<ItemRow & { bm: number }>) {
    if (s.overdue()) {
      partial = true;
      break;
    }
    const item = toItem(r);
    if (!admits(s.o, item)) continue;
    let score = -r.bm;
    if (named.length === 1 && item.speaker === named[0]) score *= SPEAKER_BOOST;
    lexical.push({ rowid: r.rowid, item, score: score * nudge(s.o, item) });
  }
  lexical.sort((a, b) => b.score - a.score);
  return { lexical, partial };
}

/** Hybrid: the lexical and the vector rankings, fused by rank. */
function fuse(
  store: MemoryStore,
  s: Search,
  lexical: Scored[],
  vector: NonNullable<RetrieveOptions['vector']>,
) {
  const { o } = s;
  const fused = new Map<number, { item: MemoryItem; score: number }>();
  lexical.forEach((l, rank) => fused.set(l.rowid, { item: l.item, score: 1 / (RRF_K + rank) }));
  let partial = false;
  const nearest = vector.index.nearest(vector.query, Math.max(20, o.k * 2));
  for (const [rank, [rowid]] of nearest.entries()) {
    if (s.overdue()) {
      partial = true;
      break;
    }
    const known = fused.get(rowid);
    const item = known?.item ?? store.byRowid(rowid);
    if (!item || !admits(o, item)) continue;
    fused.set(rowid, { item, score: (known?.score ?? 0) + 1 / (RRF_K + rank) });
  }
  const hits = [...fused.values()]
    .map((f) => toHit(f.item, f.score * nudge(o, f.item)))
    .sort((a, b) => b.score - a.score);
  return { hits: hits.slice(0, o.k), partial };
}

export function retrieve(
  store: MemoryStore,
  text: string,
  o: RetrieveOptions,
): { hits: MemoryHit[]; partial: boolean } {
  const monotonic = o.monotonic ?? (() => performance.now());
  const started = monotonic();
  const s: Search = { o, overdue: () => monotonic() - started > o.deadlineMs };
  const terms = informative(store, queryTerms(text), o.now);
  if (terms.length === 0 && !o.vector) return { hits: [], partial: false };
  const named = (o.speakers ?? []).filter((n) => text.toLowerCase().includes(n.toLowerCase()));
  const { lexical, partial } = lexicalHits(store, s, terms, named);
  if (!o.vector || partial)
    return { hits: lexical.slice(0, o.k).map((l) => toHit(l.item, l.score)), partial };
  return fuse(store, s, lexical, o.vector);
}
