// npm run bench:memory -- --data DIR [--k 10]      LOCOMO evidence recall through the real path
// npm run bench:memory -- --scale 100000            query latency and ingest rate at scale
// Each conversation is ingested turn by turn through memory.ingest_turn (speaker, session date and
// dia_id as provenance) in a real host; each question of categories 1–4 goes to memory.query.
// The baseline, measured in the same run: plain SQLite FTS5 BM25 over the bare turns, the
// question's words ORed, no stemming, stop words, context or rank fusion.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { createHost } from '../engines/host/index.ts';
import { MemoryStore, retrieve, VectorIndex } from '../engines/memory/index.ts';
import { round, summary } from './stats.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    k: { type: 'string', default: '10' },
    scale: { type: 'string' },
  },
});
const k = Number(values.k);

function sessionDate(text: string): number {
  // "1:56 pm on 8 May, 2023"
  const m = /(\d+):(\d+)\s*(am|pm)\s+on\s+(\d+)\s+(\w+),?\s+(\d{4})/i.exec(text);
  if (!m) return Date.parse(text) || 0;
  const hour = (Number(m[1]) % 12) + (m[3].toLowerCase() === 'pm' ? 12 : 0);
  return Date.parse(`${m[4]} ${m[5]} ${m[6]} ${hour}:${m[2]} UTC`);
}

type Qa = { question: string; evidence: string[]; category: number };

async function locomo(dir: string) {
  const perCat: Record<number, { n: number; recall: number; hit: number }> = {};
  const latency: number[] = [];
  let n = 0,
    recall = 0,
    hit = 0,
    turns = 0,
    ingestMs = 0,
    plainRecall = 0,
    plainHit = 0;
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const conv = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
    const host = createHost({
      mode: 'headless',
      dataDir: mkdtempSync(join(tmpdir(), 'aether-bench-memory-')),
      threads: 1,
    });
    const plain = new Database(':memory:');
    plain.exec('CREATE VIRTUAL TABLE turns USING fts5(text, dia UNINDEXED)');
    const plainInsert = plain.prepare('INSERT INTO turns (text, dia) VALUES (?, ?)');
    const plainSearch = plain
      .prepare('SELECT dia FROM turns WHERE turns MATCH ? ORDER BY rank LIMIT ?')
      .pluck();
    const started = performance.now();
    for (let s = 1; conv[`session_${s}`]; s++) {
      const at = sessionDate(String(conv[`session_${s}_date_time`]));
      for (const t of conv[`session_${s}`] as Array<{
        speaker: string;
        dia_id: string;
        text: string;
      }>) {
        await host.bus.invoke('memory.ingest_turn', {
          turnId: t.dia_id,
          conversationId: `${file}#${s}`,
          speaker: t.speaker,
          text: t.text,
          at,
        });
        plainInsert.run(t.text, t.dia_id);
        turns++;
      }
    }
    ingestMs += performance.now() - started;
    const diaOf = host.storage.db
      .prepare(`SELECT ref FROM memory_provenance WHERE item_id = ? AND source = 'turn'`)
      .pluck();
    for (const qa of conv.qa as Qa[]) {
      if (qa.category === 5) continue;
      const t = performance.now();
      const { hits } = await host.bus.invoke('memory.query', {
        text: qa.question,
        k,
        deadlineMs: 1000,
      });
      latency.push(performance.now() - t);
      const found = new Set(hits.map((h) => diaOf.get(h.id) as string));
      const got = qa.evidence.filter((e) => found.has(e)).length;
      const r = qa.evidence.length ? got / qa.evidence.length : 0;
      n++;
      recall += r;
      hit += got > 0 ? 1 : 0;
      const words = [...new Set(qa.question.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [])];
      const plainFound = new Set(
        words.length
          ? (plainSearch.all(words.map((w) => `"${w}"`).join(' OR '), k) as string[])
          : [],
      );
      const plainGot = qa.evidence.filter((e) => plainFound.has(e)).length;
      plainRecall += qa.evidence.length ? plainGot / qa.evidence.length : 0;
      plainHit += plainGot > 0 ? 1 : 0;
      const c = (perCat[qa.category] ??= { n: 0, recall: 0, hit: 0 });
      c.n++;
      c.recall += r;
      c.hit += got > 0 ? 1 : 0;
    }
    plain.close();
    await host.dispose();
  }
  return {
    bench: 'memory-locomo',
    conversations: readdirSync(dir).filter((f) => f.endsWith('.json')).length,
    turns,
    questions: n,
    k,
    recallAtK: round(recall / n, 3),
    hitAtK: round(hit / n, 3),
    perCategory: Object.fromEntries(
      Object.entries(perCat).map(([c, v]) => [
        c,
        { questions: v.n, recallAtK: round(v.recall / v.n, 3), hitAtK: round(v.hit / v.n, 3) },
      ]),
    ),
    queryMs: summary(latency),
    ingestTurnsPerSecond: round(turns / (ingestMs / 1000)),
    baseline: {
      plainFts5RecallAtK: round(plainRecall / n, 3),
      plainFts5HitAtK: round(plainHit / n, 3),
    },
    target: { recallAt10: '>= 0.70' },
    met: { recallAt10: recall / n >= 0.7 },
  };
}

// A vocabulary of 6,000 made-up words used with a Zipf-like skew, as words are in real talk: a few
// very common, most rare. (Forty words repeated would make every query match everything.)
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ten',
  'ra',
  'su',
  'vin',
  'de',
  'po',
  'shi',
  'mar',
  'el',
  'tu',
  'gan',
  'ri',
  'bo',
  'zen',
  'fa',
  'ne',
  'qui',
];
const WORDS = Array.from({ length: 6000 }, (_, i) => {
  let w = '';
  for (let n = i + 1; n > 0; n = Math.floor(n / SYLLABLES.length))
    w += SYLLABLES[n % SYLLABLES.length];
  return w;
});

async function scale(count: number) {
  const host = createHost({
    mode: 'headless',
    dataDir: mkdtempSync(join(tmpdir(), 'aether-bench-memory-scale-')),
    threads: 1,
  });
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const word = () => WORDS[Math.min(WORDS.length - 1, Math.floor(WORDS.length * rnd() ** 3))];
  const sentence = () => Array.from({ length: 8 + Math.floor(rnd() * 12) }, word).join(' ');
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    await host.bus.invoke('memory.ingest_turn', {
      turnId: `t${i}`,
      conversationId: `c${Math.floor(i / 200)}`,
      speaker: i % 2 ? 'user' : 'assistant',
      text: sentence(),
      at: Date.now() - (count - i) * 60_000,
    });
  }
  const ingestMs = performance.now() - started;
  // Generated 384-d embeddings for every item (no model makes them here), written through the
  // engine's own vector index, as an embedding model's would be.
  const vectors = new VectorIndex(host.storage.db);
  const gauss = () => rnd() + rnd() + rnd() - 1.5;
  const vecStarted = performance.now();
  // What the engine would embed: every active item (a session memory once it has a summary).
  const rowids = vectors.missing(-1).map((m) => m.rowid);
  host.storage.db.transaction(() => {
    for (const rowid of rowids)
      vectors.put(rowid, 'generated', Float32Array.from({ length: 384 }, gauss));
  })();
  const vectorMs = performance.now() - vecStarted;
  const store = new MemoryStore(host.storage.db);
  const lexical: number[] = [];
  const hybrid: number[] = [];
  for (let i = 0; i < 200; i++) {
    const text = `${word()} ${word()} with my ${word()}`;
    let t = performance.now();
    await host.bus.invoke('memory.query', { text, k: 10, deadlineMs: 1000 });
    lexical.push(performance.now() - t);
    const query = Float32Array.from({ length: 384 }, gauss);
    t = performance.now();
    retrieve(store, text, {
      k: 10,
      deadlineMs: 1000,
      now: Date.now(),
      vector: { query, index: vectors },
    });
    hybrid.push(performance.now() - t);
  }
  await host.dispose();
  const h = summary(hybrid);
  return {
    bench: 'memory-scale',
    items: count,
    ingestItemsPerSecond: round(count / (ingestMs / 1000)),
    vectorsPerSecond: round(rowids.length / (vectorMs / 1000)),
    lexicalQueryMs: summary(lexical),
    hybridQueryMs: h,
    note: "hybrid = BM25 + sqlite-vec bit KNN over 384-d vectors + float re-rank + rank fusion; the question's own embedding time (a model call) is not included",
    target: { hybridP50Ms: '<= 15', hybridP95Ms: '<= 40' },
    met: { hybridP50Ms: h.p50 <= 15, hybridP95Ms: h.p95 <= 40 },
  };
}

if (values.scale) console.log(JSON.stringify(await scale(Number(values.scale)), null, 2));
else if (values.data) console.log(JSON.stringify(await locomo(resolve(values.data)), null, 2));
else {
  console.error('usage: npm run bench:memory -- --data DIR [--k 10] | --scale N');
  process.exit(2);
}
