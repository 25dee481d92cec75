// L2 memory: every turn becomes memory at once; durable facts are written through L5; the user
// can search, see why, edit, confirm, forget and export. Retrieval answers by a deadline.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AetherError,
  DisposableSet,
  type Bus,
  type EngineHealth,
  type Executors,
  type FactWrite,
  type MemoryItem,
  type ToolExecutor,
} from '../bus/index.ts';
import type { Db } from '../storage/index.ts';
import { keepArtifact } from './artifacts.ts';
import { consolidate, mergeDuplicates } from './consolidate.ts';
import { createModelExtractor, type Candidate, type ExtractedFact } from './extract-model.ts';
import { retrieve } from './retrieve.ts';
import { classifyPrivacy, extract, mentions, normalize, subjectOf } from './rules.ts';
import { MemoryStore, toItem, toStored, type ItemRow, type StoredItem } from './store.ts';
import { createEmbedQueue } from './embed-queue.ts';
import { Sessions } from './sessions.ts';
import { summarizeQuiet } from './summarize.ts';
import { VectorIndex } from './vectors.ts';

export type MemoryDeps = {
  bus: Bus;
  db: Db;
  dataDir: string;
  now: () => number;
  newId: () => string;
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

const DAY = 86_400_000;

export function createMemoryEngine(deps: MemoryDeps) {
  const { bus, db } = deps;
  const store = new MemoryStore(db);
  const vectors = new VectorIndex(db);
  const disposables = new DisposableSet();
  const embeddings = createEmbedQueue(bus, vectors, db);
  const sessions = new Sessions(db, store);
  const graceMs = deps.graceMs ?? 7 * DAY;
  let health: EngineHealth = { state: 'starting' };
  // The active persona's memory rules (its L2 artifact): how long turns are kept, and what is
  // never remembered — a turn that mentions such a thing is kept as a secret (never in a prompt,
  // never extracted).
  let personaRules = { retentionDays: 365, neverRemember: [] as string[] };
  const never = (text: string) => personaRules.neverRemember.some((p) => mentions(text, p));
  const changed = (reason: string, id: string | null = null) =>
    bus.emit('memory.changed', { reason, id }, { source: 'memory' });

  // The people memory has heard from, so a question naming one favours what they said.
  let speakerCache: { at: number; names: string[] } | null = null;
  function speakers(): string[] {
    if (!speakerCache || deps.now() - speakerCache.at > 60_000) {
      speakerCache = {
        at: deps.now(),
        names: db
          .prepare(
            `SELECT DISTINCT speaker FROM memory_items WHERE speaker IS NOT NULL AND speaker NOT IN ('user', 'assistant')`,
          )
          .pluck()
          .all() as string[],
      };
    }
    return speakerCache.names;
  }

  function require(id: string) {
    const item = store.get(id);
    if (!item) throw new AetherError('NotFound', `no memory ${id}`);
    return item;
  }

  /** The item as the bus carries it: without the storage rowid. */
  function plain(id: string): MemoryItem {
    const { rowid: _r, ...item } = require(id);
    return item;
  }

  /** Writes a durable fact: a duplicate reinforces the one there; a contradiction is kept, flagged. */
  function writeFact(w: FactWrite): MemoryItem {
    const key = normalize(w.content);
    // One read of the active items of this kind serves both the duplicate and the contradiction check.
    const active = (
      db
        .prepare(`SELECT rowid, * FROM memory_items WHERE kind = ? AND status = 'active'`)
        .all(w.kind) as ItemRow[]
    ).map(toItem);
    const same = active.find((i) => normalize(i.content) === key);
    if (same) {
      db.prepare(
        'UPDATE memory_items SET salience = min(salience + 0.5, 5), updated_at = ? WHERE id = ?',
      ).run(deps.now(), same.id);
      store.addProvenance(
        same.id,
        { source: 'turn', ref: w.turnId ?? 'user', extractor: w.extractor },
        deps.now(),
      );
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
      {
        id: deps.newId(),
        kind: w.kind,
        content: w.content,
        privacy: w.privacy,
        retention: 'until-revoked',
        expiresAt: null,
        confidence: w.extractor === 'rules:explicit' ? 1 : 0.7,
        salience: 1.5,
        speaker: 'user',
        conversationId: w.conversationId,
        occurredAt: w.occurredAt,
        contradicts,
      },
      [{ source: 'turn', ref: w.turnId ?? 'user', extractor: w.extractor }],
      deps.now(),
    );
    embeddings.later(item.rowid, item.content);
    changed(contradicts ? 'contradiction' : 'added', item.id);
    return item;
  }

  /** L5's executor for memory.write_durable: runs only once the gate allowed the write. */
  const durableExecutor: ToolExecutor<'memory.write_durable'> = async (req) => {
    const w = req.input;
    if (!w) throw new AetherError('BadRequest', 'nothing to remember');
    if ('confirmId' in w) {
      const item = require(w.confirmId);
      db.prepare(`UPDATE memory_items SET status = 'active', updated_at = ? WHERE id = ?`).run(
        deps.now(),
        item.id,
      );
      store.index(item.rowid, item.content);
      changed('confirmed', item.id);
      return { summary: `remembered: ${item.content}`, output: item.id };
    }
    const item = writeFact(w);
    return {
      summary: `remembered: ${item.content}${item.contradicts ? ' (contradicts something remembered earlier)' : ''}`,
      output: item.id,
    };
  };

  const exportExecutor: ToolExecutor<'memory.export'> = async (req) => {
    const items = (
      db
        .prepare(
          `SELECT rowid, * FROM memory_items WHERE status IN ('active', 'proposed') ORDER BY created_at`,
        )
        .all() as ItemRow[]
    ).map(toItem);
    const provenance = db.prepare(
      'SELECT source, ref, extractor, at FROM memory_provenance WHERE item_id = ?',
    );
    mkdirSync(join(req.path!, '..'), { recursive: true });
    writeFileSync(
      req.path!,
      JSON.stringify(
        {
          exportedAt: new Date(deps.now()).toISOString(),
          items: items.map((i) => ({ ...i, provenance: provenance.all(i.id) })),
        },
        null,
        2,
      ),
      { mode: 0o600 },
    );
    return { summary: `exported ${items.length} memories to ${req.path}`, output: req.path! };
  };

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
    const same = (
      db
        .prepare(
          `SELECT rowid, * FROM memory_items WHERE kind = ? AND status IN ('active', 'proposed')`,
        )
        .all(w.kind) as ItemRow[]
    ).find((i) => normalize(i.content) === key);
    const provenance = { source: 'turn', ref: w.turnId ?? 'user', extractor: w.extractor };
    if (same) {
      store.addProvenance(same.id, provenance, deps.now());
      return same.id;
    }
    const p = store.add(
      {
        id: deps.newId(),
        kind: w.kind,
        content: w.content,
        privacy: w.privacy,
        retention: 'until-revoked',
        expiresAt: null,
        confidence: w.extractor.startsWith('model:') ? 0.6 : 0.8,
        salience: 1,
        speaker: 'user',
        conversationId: w.conversationId,
        occurredAt: w.occurredAt,
        contradicts: null,
        status: 'proposed',
      },
      [provenance],
      deps.now(),
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
      const w: FactWrite = {
        kind: f.kind,
        content: f.content,
        privacy: classifyPrivacy(f.content),
        conversationId: c.conversationId,
        turnId: c.turnId,
        occurredAt: c.at,
        extractor,
      };
      if (w.privacy === 'secret' || never(f.content)) continue; // secrets and what the persona never remembers stay out
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
    idleMs: deps.extractIdleMs ?? 20_000,
    maxTokens: deps.extractMaxTokens ?? 160,
    write: writeExtracted,
  });

  function forget(item: { id: string; rowid: number }, at: number): void {
    db.prepare(
      `UPDATE memory_items SET status = 'forgotten', forgotten_at = ?, purge_after = ?, updated_at = ? WHERE id = ?`,
    ).run(at, at + graceMs, at, item.id);
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

  function registerCommands(): void {
    disposables.add(
      bus.handle('memory.ingest_turn', (input, ctx) => {
        const at = input.at;
        const item = store.add(
          {
            id: deps.newId(),
            kind: 'turn',
            content: input.text,
            privacy: never(input.text)
              ? 'secret'
              : input.speaker === 'user'
                ? classifyPrivacy(input.text)
                : 'personal',
            retention: `days:${personaRules.retentionDays}`,
            expiresAt: at + personaRules.retentionDays * DAY,
            confidence: 1,
            salience: 1,
            speaker: input.speaker,
            conversationId: input.conversationId,
            occurredAt: at,
            contradicts: null,
          },
          [{ source: 'turn', ref: input.turnId, extractor: 'turn' }],
          deps.now(),
        );
        speakerCache = null;
        embeddings.later(item.rowid, item.content);
        const session = sessions.roll(input.conversationId, input.turnId, deps.now(), deps.newId);
        if (session?.searchable) embeddings.later(session.rowid, session.content);
        extractor.poke();
        const proposed: string[] = [];
        if (input.speaker === 'user' && never(input.text)) {
          changed('never-remember', item.id);
        } else if (input.speaker === 'user') {
          const found = extract(input.text);
          for (const e of found) {
            const w: FactWrite = {
              kind: e.kind,
              content: e.content,
              privacy: e.privacy,
              conversationId: input.conversationId,
              turnId: input.turnId,
              occurredAt: at,
              extractor: e.kind === 'fact' ? 'rules:explicit' : 'rules:preference',
            };
            if (e.kind === 'fact') {
              // The user asked in so many words: that is their confirmation; L5 still decides and audits.
              void askToWrite(w, ctx.changeId, { confirmedByUser: true })
                .then((o) => {
                  if (o.status !== 'done') changed('write-denied', null);
                })
                .catch(() => {});
            } else {
              proposed.push(propose(w));
            }
          }
          // What the rules did not catch, the model may, later and in the background.
          if (found.length === 0)
            extractor.add({
              turnId: input.turnId,
              conversationId: input.conversationId,
              text: input.text,
              at,
            });
        }
        return { itemId: item.id, proposed };
      }),
    );
    disposables.add(
      bus.handle('memory.context', async (input) => {
        const started = performance.now();
        const vector = await embeddings.queryVector(input.text, input.deadlineMs * 0.6);
        const { hits, partial } = retrieve(store, input.text, {
          vector,
          deadlineMs: Math.max(1, input.deadlineMs - (performance.now() - started)),
          k: 12,
          now: deps.now(),
          allowPrivacy: input.allowPrivacy ?? ['public', 'personal', 'sensitive'],
          speakers: speakers(),
        });
        // Durable knowledge first, then what was said; within the token budget (≈ 4 characters a token).
        const ordered = [
          ...hits.filter((h) => h.kind !== 'turn'),
          ...hits.filter((h) => h.kind === 'turn'),
        ];
        const kept = [];
        let used = 0;
        for (const h of ordered) {
          used += Math.ceil(h.content.length / 4) + 8;
          if (used > input.budgetTokens) break;
          kept.push(h);
        }
        store.touch(
          kept.map((h) => h.id),
          deps.now(),
        );
        return { hits: kept, partial };
      }),
    );
    disposables.add(
      bus.handle('memory.query', async (input) => {
        const started = performance.now();
        const deadline = input.deadlineMs ?? 200;
        const vector = await embeddings.queryVector(input.text, deadline * 0.6);
        const r = retrieve(store, input.text, {
          k: input.k ?? 20,
          deadlineMs: Math.max(1, deadline - (performance.now() - started)),
          now: deps.now(),
          speakers: speakers(),
          vector,
        });
        return { ...r, ms: performance.now() - started };
      }),
    );
    disposables.add(
      bus.handle('memory.list', (input) => {
        const where = [
          `status ${input.status ? '= @status' : "IN ('active', 'proposed')"}`,
          ...(input.kind ? ['kind = @kind'] : []),
        ];
        const rows = db
          .prepare(
            `SELECT rowid, * FROM memory_items WHERE ${where.join(' AND ')} ORDER BY updated_at DESC LIMIT @limit`,
          )
          .all({ status: input.status, kind: input.kind, limit: input.limit ?? 200 }) as ItemRow[];
        return { items: rows.map(toItem) };
      }),
    );
    disposables.add(
      bus.handle('memory.why', (input) => {
        const item = require(input.id);
        const provenance = db
          .prepare(
            'SELECT source, ref, extractor, at FROM memory_provenance WHERE item_id = ? ORDER BY at',
          )
          .all(item.id) as Array<{ source: string; ref: string; extractor: string; at: number }>;
        const turnIds = provenance.filter((p) => p.source === 'turn').map((p) => p.ref);
        const conversationIds = [
          ...new Set(provenance.filter((p) => p.source === 'conversation').map((p) => p.ref)),
        ];
        // A session memory comes from its whole conversation: its latest turns are shown.
        const sources =
          turnIds.length || conversationIds.length
            ? (db
                .prepare(
                  `SELECT id AS turnId, conversation_id AS conversationId, user_text AS userText, created_at AS at FROM turns
            WHERE id IN (${turnIds.map(() => '?').join(',') || "''"}) OR conversation_id IN (${conversationIds.map(() => '?').join(',') || "''"})
            ORDER BY created_at DESC LIMIT 50`,
                )
                .all(...turnIds, ...conversationIds) as Array<{
                turnId: string;
                conversationId: string;
                userText: string;
                at: number;
              }>)
            : [];
        const versions = db
          .prepare(
            'SELECT version, content, at FROM memory_versions WHERE item_id = ? ORDER BY version',
          )
          .all(item.id) as Array<{ version: number; content: string; at: number }>;
        const { rowid: _r, ...shown } = item;
        return { item: shown, provenance, sources, versions };
      }),
    );
    // Audited commands: the bus writes the audit row in the same transaction as these changes.
    disposables.add(
      bus.handle('memory.edit', (input, ctx) => {
        const item = require(input.id);
        const version = store.keepVersion(item.id, item.content, deps.now());
        db.prepare('UPDATE memory_items SET content = ?, updated_at = ? WHERE id = ?').run(
          input.content,
          deps.now(),
          item.id,
        );
        if (item.status === 'active') store.index(item.rowid, input.content);
        ctx.note?.({ resource: item.id, details: { version } });
        changed('edited', item.id);
        return { item: plain(item.id) };
      }),
    );
    disposables.add(
      bus.handle('memory.confirm', async (input, ctx) => {
        const item = require(input.id);
        if (item.status !== 'proposed')
          throw new AetherError('BadRequest', 'only proposed memories need confirming');
        const outcome = await bus.invoke(
          'policy.perform',
          {
            capability: 'memory.write_durable',
            target: item.content.slice(0, 500),
            input: { confirmId: item.id },
            actor: 'user',
            why: 'you confirmed this in the Memory tab',
            confirmedByUser: true,
          },
          { changeId: ctx.changeId },
        );
        if (outcome.status !== 'done') throw new AetherError('PolicyDenied', outcome.explanation);
        return { item: plain(item.id) };
      }),
    );
    disposables.add(
      bus.handle('memory.reject', (input, ctx) => {
        const item = require(input.id);
        db.prepare(`UPDATE memory_items SET status = 'rejected', updated_at = ? WHERE id = ?`).run(
          deps.now(),
          item.id,
        );
        ctx.note?.({ resource: item.id });
        changed('rejected', item.id);
        return { item: plain(item.id) };
      }),
    );
    disposables.add(
      bus.handle('memory.forget', (input, ctx) => {
        const item = require(input.id);
        if (item.status === 'forgotten') return { forgotten: false };
        // Forgetting a fact also forgets the words that taught it, or it would be recalled from them.
        const taught =
          item.kind === 'turn'
            ? []
            : (db
                .prepare(
                  `SELECT m.rowid AS rowid, m.* FROM memory_items m JOIN memory_provenance p ON p.item_id = m.id
        WHERE m.kind = 'turn' AND m.status = 'active' AND p.source = 'turn' AND p.ref IN (SELECT ref FROM memory_provenance WHERE item_id = ? AND source = 'turn')`,
                )
                .all(item.id) as ItemRow[]);
        forgetAll([item, ...taught.map(toStored)], deps.now());
        ctx.note?.({
          resource: item.id,
          details: { kind: item.kind, purgeAfter: deps.now() + graceMs },
        });
        changed('forgotten', item.id);
        return { forgotten: true };
      }),
    );
    disposables.add(
      bus.handle('memory.forget_about', (input, ctx) => {
        const terms = input.text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
        if (!terms.length) return { forgotten: 0 };
        const rows = db
          .prepare(
            `SELECT m.rowid AS rowid, m.* FROM memory_fts JOIN memory_items m ON m.rowid = memory_fts.rowid WHERE memory_fts MATCH ? AND m.status = 'active'`,
          )
          .all(terms.map((t) => `"${t}"`).join(' AND ')) as ItemRow[];
        const proposed = db
          .prepare(`SELECT rowid, * FROM memory_items WHERE status = 'proposed'`)
          .all() as ItemRow[];
        const all = [
          ...rows,
          ...proposed.filter((p) => terms.every((t) => p.content.toLowerCase().includes(t))),
        ];
        const at = deps.now();
        forgetAll(all.map(toStored), at);
        ctx.note?.({ resource: `about: ${input.text}`, details: { count: all.length } });
        changed('forgotten', null);
        return { forgotten: all.length };
      }),
    );
    disposables.add(bus.handle('memory.get_settings', () => settingsView()));
    disposables.add(
      bus.handle('memory.set_settings', (input, ctx) => {
        ctx.note?.({ details: { ...input } });
        if (input.consolidationPaused !== undefined)
          deps.settings.set('memory.consolidation_paused', input.consolidationPaused);
        if (input.modelExtraction !== undefined)
          deps.settings.set('memory.model_extraction', input.modelExtraction);
        changed('settings', null);
        return settingsView();
      }),
    );
    disposables.add(
      bus.handle('memory.export', async (_input, ctx) => {
        const path = join(
          deps.dataDir,
          'exports',
          `memory-${new Date(deps.now()).toISOString().replace(/[:.]/g, '-')}.json`,
        );
        const o = await bus.invoke(
          'policy.perform',
          {
            capability: 'memory.export',
            target: path,
            actor: 'user',
            why: 'you asked to export your memories',
          },
          { changeId: ctx.changeId },
        );
        return {
          status: o.status,
          path: o.status === 'done' ? path : null,
          explanation: o.explanation,
        };
      }),
    );
  }

  return {
    start(): void {
      registerCommands();
      // Replayed from the start: the persona may have been activated before this engine started.
      disposables.add(
        bus.subscribe(
          (e) => {
            if (e.name === 'persona.activated') personaRules = { ...e.payload.memory };
          },
          { afterSeq: 0 },
        ),
      );
      disposables.add(
        bus.on('models.changed', () => {
          embeddings.modelsChanged();
          extractor.poke();
        }),
      );
      disposables.add(
        bus.on('policy.performed', (event) => {
          const { capability, resource, excerpt } = event.payload;
          if (excerpt === null) return;
          const { item, added } = keepArtifact(db, store, {
            capability,
            resource,
            excerpt,
            turnId: event.turnId ?? null,
            now: deps.now(),
            newId: deps.newId,
          });
          embeddings.later(item.rowid, item.content);
          changed(added ? 'added' : 'edited', item.id);
        }),
      );
      disposables.addFn(() => embeddings.dispose());
      disposables.addFn(() => extractor.dispose());
      embeddings.backfill();
      let stopped = false;
      const run = async () => {
        if (stopped || settingsView().consolidationPaused) return;
        // Background work waits for a quiet moment: never while a turn runs.
        const turn = await bus.invoke('turn.get_state', {}).catch(() => ({ state: 'idle' }));
        // Paused while it waited for the turn state: the pause wins.
        if (
          stopped ||
          settingsView().consolidationPaused ||
          (turn.state !== 'idle' && turn.state !== 'error')
        )
          return;
        const report = consolidate(db, deps.now(), graceMs);
        for (const rowid of report.purgedRowids) vectors.remove(rowid);
        const merged = mergeDuplicates(db, deps.now(), graceMs);
        if (report.expired + report.purged + merged.merged > 0) changed('consolidated', null);
        if (stopped || settingsView().consolidationPaused) return;
        const summaries = await summarizeQuiet(bus, sessions, {
          now: deps.now(),
          quietMs: deps.summarizeQuietMs ?? 2 * 3_600_000,
          minTurns: 6,
          limit: 3,
          newId: deps.newId,
          onSummarized: (rowid, content) => embeddings.later(rowid, content),
        });
        if (summaries.summarized > 0) changed('summarized', null);
      };
      const safely = () => {
        run().catch((e: Error) => {
          health = { state: 'degraded', detail: `consolidation failed: ${e.message}` };
        });
      };
      const timer = setInterval(safely, deps.consolidateEveryMs ?? 10 * 60_000);
      timer.unref();
      disposables.addFn(() => {
        stopped = true;
        clearInterval(timer);
      });
      safely();
      health = { state: 'ok' };
    },
    dispose: () => disposables.dispose(),
    store,
    vectors,
    executors: (): Executors => ({
      'memory.write_durable': durableExecutor,
      'memory.export': exportExecutor,
    }),
    health: (): EngineHealth => {
      const n = (
        db.prepare(`SELECT count(*) AS n FROM memory_items WHERE status = 'active'`).get() as {
          n: number;
        }
      ).n;
      return {
        ...health,
        detail: `${n} memories${vectors.available ? '' : ` (${vectors.problem})`}`,
      };
    },
  };
}

export type MemoryEngine = ReturnType<typeof createMemoryEngine>;
