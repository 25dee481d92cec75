// Embeddings for memory, made in the background in batches when an embedding model is installed
// (and backfilled for what was written before), and the question's embedding for a query, within
// the time the query has.
import { AetherError, type Bus, type Clock, type TimerHandle } from '../bus/index.ts';
import type { Db } from '../storage/index.ts';
import type { VectorIndex } from './vectors.ts';

type Queue = {
  bus: Bus;
  vectors: VectorIndex;
  db: Db;
  clock: Clock;
  /** null = not known yet, false = no embedding model installed (until the models change). */
  embedding: boolean | null;
  waiting: Array<{ rowid: number; text: string }>;
  flushing: TimerHandle | null;
};

const noModel = (error: unknown) =>
  error instanceof AetherError && error.code === 'ModelNotInstalled';

function flushSoon(q: Queue, ms: number): void {
  q.flushing ??= q.clock.setTimeout(() => {
    q.flushing = null;
    void flush(q);
  }, ms);
}

async function flush(q: Queue): Promise<void> {
  const batch = q.waiting.splice(0, 32);
  if (batch.length === 0) return;
  try {
    const texts = batch.map((b) => b.text.slice(0, 8000));
    const r = await q.bus.invoke('router.embed', { texts });
    q.embedding = true;
    if (!q.db.open) return;
    batch.forEach((b, i) => q.vectors.put(b.rowid, r.model, Float32Array.from(r.vectors[i])));
  } catch (error) {
    if (noModel(error)) {
      q.embedding = false;
      q.waiting = [];
      return;
    }
    const message = (error as Error).message;
    q.bus.emit('memory.extraction_failed', { turnId: 'embedding', message }, { source: 'memory' });
  }
  if (q.waiting.length) flushSoon(q, 0);
}

function later(q: Queue, rowid: number, text: string): void {
  if (!q.vectors.available || q.embedding === false || !text) return;
  // A session memory changes with every turn: only its latest text is worth embedding.
  const waiting = q.waiting.find((w) => w.rowid === rowid);
  if (waiting) waiting.text = text;
  else q.waiting.push({ rowid, text });
  flushSoon(q, 100);
}

/** The question's embedding, if it comes within the time left; otherwise none (lexical only). */
async function queryVector(
  q: Queue,
  text: string,
  budgetMs: number,
): Promise<{ query: Float32Array; index: VectorIndex } | undefined> {
  if (!q.vectors.available || q.embedding === false) return undefined;
  let timer: TimerHandle | undefined;
  const timeout = new Promise<undefined>((r) => {
    timer = q.clock.setTimeout(() => r(undefined), Math.max(1, budgetMs));
  });
  const embedded = q.bus
    .invoke('router.embed', { texts: [text.slice(0, 2000)] })
    .then((r) => {
      q.embedding = true;
      return { query: Float32Array.from(r.vectors[0]), index: q.vectors };
    })
    .catch((error: unknown) => {
      if (noModel(error)) q.embedding = false;
      return undefined;
    });
  try {
    return await Promise.race([embedded, timeout]);
  } finally {
    q.clock.clearTimeout(timer);
  }
}

export function createEmbedQueue(bus: Bus, vectors: VectorIndex, db: Db, clock: Clock) {
  const q: Queue = { bus, vectors, db, clock, embedding: null, waiting: [], flushing: null };
  /** Items written before an embedding model was installed get their vectors now. */
  const backfill = () => {
    for (const m of vectors.missing(256)) later(q, m.rowid, m.content);
  };
  return {
    later: (rowid: number, text: string) => later(q, rowid, text),
    backfill,
    /** A newly installed embedding model may cover what had none. */
    modelsChanged(): void {
      q.embedding = null;
      backfill();
    },
    queryVector: (text: string, budgetMs: number) => queryVector(q, text, budgetMs),
    dispose(): void {
      if (q.flushing) clock.clearTimeout(q.flushing);
      q.waiting = [];
    },
  };
}
