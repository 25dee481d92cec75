// Hybrid retrieval: sqlite-vec's bit KNN plus float re-ranking, fused with BM25; and the whole path
// with a real (generated) embedding model in its own process.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedModel } from '../../scripts/gguf/cache.ts';
import { createHost, type Host, sourceResources } from '../host/index.ts';
import { openStorage } from '../storage/index.ts';
import { retrieve } from './retrieve.ts';
import { MemoryStore } from './store.ts';
import { VectorIndex } from './vectors.ts';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.dispose();
});

function unit(dims: number, hot: number[]): Float32Array {
  const v = new Float32Array(dims).fill(-0.01);
  for (const h of hot) v[h] = 1;
  return v;
}

describe('vector index', () => {
  it('finds by meaning what shares no word with the question, and fuses it with word matches', () => {
    const storage = openStorage({
      dataDir: mkdtempSync(join(tmpdir(), 'aether-vec-')),
      migrationsDir: sourceResources.migrationsDir,
    });
    const store = new MemoryStore(storage.db);
    const index = new VectorIndex(storage.db);
    expect(index.available).toBe(true);
    const add = (id: string, content: string, vector: Float32Array) => {
      const item = store.add(
        {
          id,
          kind: 'fact',
          content,
          privacy: 'personal',
          retention: 'until-revoked',
          expiresAt: null,
          confidence: 1,
          salience: 1,
          speaker: 'user',
          conversationId: null,
          occurredAt: 0,
          contradicts: null,
        },
        [],
        0,
      );
      index.put(store.get(item.id)!.rowid, 'test', vector);
    };
    add('dog', 'Our puppy Biscuit loves the beach', unit(64, [1, 2, 3]));
    add('car', 'The car needs new tyres', unit(64, [40, 41]));
    add('cat', 'The cat sleeps all day', unit(64, [20, 21]));
    const lexical = retrieve(store, 'tell me about my dog', { k: 3, deadlineMs: 100, now: 0 });
    expect(lexical.hits.map((h) => h.id)).not.toContain('dog');
    const hybrid = retrieve(store, 'tell me about my dog', {
      k: 3,
      deadlineMs: 100,
      now: 0,
      vector: { query: unit(64, [1, 2, 3]), index },
    });
    expect(hybrid.hits[0].id).toBe('dog');
    index.remove(store.get('dog')!.rowid);
    expect(index.nearest(unit(64, [1, 2, 3]), 3).map(([r]) => r)).not.toContain(
      store.get('dog')!.rowid,
    );
  });
});

describe('memory with an embedding model installed', () => {
  it('embeds what it ingests in the background and answers hybrid queries', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aether-vec-host-'));
    const host = createHost({ mode: 'headless', dataDir, threads: 1 });
    hosts.push(host);
    host.bus.on('policy.approval_pending', (e) => {
      void host.bus.invoke('policy.respond_approval', {
        ticketId: e.payload.approval.ticketId,
        requestHash: e.payload.approval.requestHash,
        answer: 'allow',
      });
    });
    for (const [i, text] of [
      'we went hiking in the alps',
      'the soup needs more salt',
      'my sister lives in Lisbon',
    ].entries()) {
      await host.bus.invoke('memory.ingest_turn', {
        turnId: `t${i}`,
        conversationId: 'c',
        speaker: 'friend',
        text,
        at: Date.now(),
      });
    }
    const file = join(mkdtempSync(join(tmpdir(), 'aether-emb-')), 'tiny-embed.gguf');
    copyFileSync(cachedModel({ preset: 'tiny', type: 'q8_0' }), file);
    await host.bus.invoke('models.import', { path: file });
    const count = () =>
      (
        host.storage.db.prepare('SELECT count(*) AS n FROM memory_embeddings').get() as {
          n: number;
        }
      ).n;
    // Three turns (the conversation's session memory is embedded once it has a summary).
    await expect.poll(count, { timeout: 20_000 }).toBe(3);
    const r = await host.bus.invoke('memory.query', {
      text: 'where does my sister live',
      k: 3,
      deadlineMs: 3000,
    });
    expect(r.hits[0].content).toBe('my sister lives in Lisbon');
  });
});
