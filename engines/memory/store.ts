// Memory items in SQLite with their provenance, versions and search rows. Search rows hold an
// item's text and, for turns, the text of the turns around it (which counts for less when ranking).
import type { MemoryItem } from '../bus/index.ts';
import type { Db } from '../storage/index.ts';

export type ItemRow = {
  rowid: number;
  id: string;
  kind: MemoryItem['kind'];
  content: string;
  status: MemoryItem['status'];
  privacy: MemoryItem['privacy'];
  retention: string;
  expires_at: number | null;
  confidence: number;
  salience: number;
  access_count: number;
  last_access: number | null;
  speaker: string | null;
  conversation_id: string | null;
  occurred_at: number;
  contradicts: string | null;
  created_at: number;
  updated_at: number;
};

export const toItem = (r: ItemRow): MemoryItem => ({
  id: r.id,
  kind: r.kind,
  content: r.content,
  status: r.status,
  privacy: r.privacy,
  retention: r.retention,
  expiresAt: r.expires_at,
  confidence: r.confidence,
  salience: r.salience,
  accessCount: r.access_count,
  lastAccess: r.last_access,
  speaker: r.speaker,
  conversationId: r.conversation_id,
  occurredAt: r.occurred_at,
  contradicts: r.contradicts,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** An item with the rowid its search rows and vectors are keyed by. */
export type StoredItem = MemoryItem & { rowid: number };
export const toStored = (r: ItemRow): StoredItem => ({ ...toItem(r), rowid: r.rowid });

export type NewItem = Omit<
  MemoryItem,
  'accessCount' | 'lastAccess' | 'createdAt' | 'updatedAt' | 'status'
> & { status?: MemoryItem['status'] };
export type Provenance = { source: string; ref: string; extractor: string };

export class MemoryStore {
  readonly db: Db;
  private readonly q;

  constructor(db: Db) {
    this.db = db;
    this.q = {
      insert:
        db.prepare(`INSERT INTO memory_items (id, kind, content, status, privacy, retention, expires_at, confidence, salience, speaker,
        conversation_id, occurred_at, contradicts, created_at, updated_at) VALUES (@id, @kind, @content, @status, @privacy, @retention, @expiresAt,
        @confidence, @salience, @speaker, @conversationId, @occurredAt, @contradicts, @at, @at)`),
      get: db.prepare('SELECT rowid, * FROM memory_items WHERE id = ?'),
      byRowid: db.prepare('SELECT rowid, * FROM memory_items WHERE rowid = ?'),
      provenance: db.prepare(
        'INSERT INTO memory_provenance (item_id, source, ref, extractor, at) VALUES (?, ?, ?, ?, ?)',
      ),
      ftsInsert: db.prepare('INSERT INTO memory_fts (rowid, content, context) VALUES (?, ?, ?)'),
      ftsDelete: db.prepare('DELETE FROM memory_fts WHERE rowid = ?'),
      ftsContext: db.prepare('SELECT content FROM memory_fts WHERE rowid = ?'),
      previousTurn: db.prepare(
        `SELECT rowid, * FROM memory_items WHERE conversation_id = ? AND kind = 'turn' AND status = 'active' AND rowid < ? ORDER BY rowid DESC LIMIT 1`,
      ),
      lastTurn: db.prepare(
        `SELECT rowid, * FROM memory_items WHERE conversation_id = ? AND kind = 'turn' AND status = 'active' ORDER BY rowid DESC LIMIT 1`,
      ),
      version: db
        .prepare(
          `INSERT INTO memory_versions (item_id, version, content, at)
        SELECT ?, coalesce(max(version), 0) + 1, ?, ? FROM memory_versions WHERE item_id = ? RETURNING version`,
        )
        .pluck(),
      touch: db.prepare(
        'UPDATE memory_items SET access_count = access_count + 1, last_access = ?, salience = min(salience + 0.1, 5) WHERE id = ?',
      ),
    };
  }

  get(id: string): StoredItem | null {
    const r = this.q.get.get(id) as ItemRow | undefined;
    return r ? toStored(r) : null;
  }

  byRowid(rowid: number): MemoryItem | null {
    const r = this.q.byRowid.get(rowid) as ItemRow | undefined;
    return r ? toItem(r) : null;
  }

  /** Adds an item with its provenance; turns also become the "after" context of the turn before. */
  add(item: NewItem, provenance: Provenance[], at: number): StoredItem {
    return this.db.transaction(() => {
      const previous =
        item.kind === 'turn' && item.conversationId
          ? (this.q.lastTurn.get(item.conversationId) as ItemRow | undefined)
          : undefined;
      const { lastInsertRowid } = this.q.insert.run({
        ...item,
        status: item.status ?? 'active',
        at,
      });
      const rowid = Number(lastInsertRowid);
      for (const p of provenance) this.q.provenance.run(item.id, p.source, p.ref, p.extractor, at);
      if ((item.status ?? 'active') === 'active') {
        this.q.ftsInsert.run(rowid, item.content, previous ? previous.content : '');
        if (previous)
          this.setContext(
            previous.rowid,
            previous.content,
            this.contextOf(previous.rowid, item.content),
          );
      }
      return this.get(item.id)!;
    })();
  }

  /** Keeps an item's text in its version history before it changes; returns the version number. */
  keepVersion(id: string, content: string, at: number): number {
    return this.q.version.get(id, content, at, id) as number;
  }

  addProvenance(id: string, p: Provenance, at: number): void {
    this.q.provenance.run(id, p.source, p.ref, p.extractor, at);
  }

  private contextOf(rowid: number, next: string): string {
    const before = this.q.previousTurn.get(this.byRowid(rowid)?.conversationId ?? '', rowid) as
      ItemRow | undefined;
    return `${before?.content ?? ''} ${next}`.trim();
  }

  private setContext(rowid: number, content: string, context: string): void {
    this.q.ftsDelete.run(rowid);
    this.q.ftsInsert.run(rowid, content, context);
  }

  /** Makes an item searchable (a proposal that was confirmed) or not (forgotten). */
  index(rowid: number, content: string): void {
    this.q.ftsDelete.run(rowid);
    this.q.ftsInsert.run(rowid, content, '');
  }

  unindex(rowid: number): void {
    this.q.ftsDelete.run(rowid);
  }

  touch(ids: string[], at: number): void {
    this.db.transaction(() => {
      for (const id of ids) this.q.touch.run(at, id);
    })();
  }
}
