// Embeddings for memory, made in the background in batches when an embedding model is installed
// (and backfilled for what was written before), and the question's embedding for a query, within
// the time the query has.
import { AetherError, type Bus, type Clock, type TimerHandle } from '../bus/index.ts';
import type { Db } from '../storage/index.ts';
import type { VectorIndex } from './vectors.ts';

export function createEmbedQueue(bus: Bus, vectors: VectorIndex, db: Db, clock: Clock) {
  // null = not known yet, false = no embedding model installed (until the models change).
  let embedding: boolean | null = null;
  let queue: Array<{ rowid: number; text: string }> = [];
  let flushing: TimerHandle | null = null;

  async function flush(): Promise<void> {
    const batch = queue.splice(0, 32);
    if (batch.length === 0) return;
    try {
      const r = await bus.invoke('router.embed', {
        texts: batch.map((b) => b.text.slice(0, 8000)),
      });
      embedding = true;
      if (!db.open) return;
      batch.forEach((b, i) => vectors.put(b.rowid, r.model, Float32Array.from(r.vectors[i])));
    } catch (error) {
      if (error instanceof AetherError && error.code === 'ModelNotInstalled') {
        embedding = false;
        queue = [];
        return;
      }
      bus.emit(
        'memory.extraction_failed',
        { turnId: 'embedding', message: (error as Error).message },
        { source: 'memory' },
      );
    }
    if (queue.length)
      flushing ??= clock.setTimeout(() => {
        flushing = null;
        void flush();
      }, 0);
  }

  function later(rowid: number, text: string): void {
    if (!vectors.available || embedding === false || !text) return;
    // A session memory changes with every turn: only its latest text is worth embedding.
    const waiting = queue.find((q) => q.rowid === rowid);
    if (waiting) waiting.text = text;
    else queue.push({ rowid, text });
    flushing ??= clock.setTimeout(() => {
      flushing = null;
      void flush();
    }, 100);
  }

  /** Items written before an embedding model was installed get their vectors now. */
  function backfill(): void {
    for (const m of vectors.missing(256)) later(m.rowid, m.content);
  }

  return {
    later,
    backfill,
    /** A newly installed embedding model may cover what had none. */
    modelsChanged(): void {
      embedding = null;
      backfill();
    },
    /** The question's embedding, if it comes within the time left; otherwise none (lexical only). */
    async queryVector(
      text: string,
      budgetMs: number,
    ): Promise<{ query: Float32Array; index: VectorIndex } | undefined> {
      if (!vectors.available || embedding === false) return undefined;
      let timer: TimerHandle | undefined;
      const timeout = new Promise<undefined>((r) => {
        timer = clock.setTimeout(() => r(undefined), Math.max(1, budgetMs));
      });
      const embedded = bus
        .invoke('router.embed', { texts: [text.slice(0, 2000)] })
        .then((r) => {
          embedding = true;
          return { query: Float32Array.from(r.vectors[0]), index: vectors };
        })
        .catch((error: unknown) => {
          if (error instanceof AetherError && error.code === 'ModelNotInstalled') embedding = false;
          return undefined;
        });
      try {
        return await Promise.race([embedded, timeout]);
      } finally {
        clock.clearTimeout(timer);
      }
    },
    dispose(): void {
      if (flushing) clock.clearTimeout(flushing);
      queue = [];
    },
  };
}
