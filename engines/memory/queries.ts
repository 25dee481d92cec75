// The memory engine's SQL beyond the store's own: every statement prepared once, here, so the
// engine and its handlers hold no SQL of their own.
import type { MemoryItem } from '../bus/index.ts';
import type { Db } from '../storage/index.ts';
import { toItem, type ItemRow } from './store.ts';

export type ProvenanceRow = { source: string; ref: string; extractor: string; at: number };
export type SourceTurn = { turnId: string; conversationId: string; userText: string; at: number };
type ListFilter = { status?: 'active' | 'proposed'; kind?: MemoryItem['kind']; limit?: number };

export class MemoryQueries {
  private readonly q;

  constructor(db: Db) {
    const item = (where: string) => db.prepare(`SELECT rowid, * FROM memory_items WHERE ${where}`);
    this.q = {
      speakers: db
        .prepare(
          `SELECT DISTINCT speaker FROM memory_items WHERE speaker IS NOT NULL AND speaker NOT IN ('user', 'assistant')`,
        )
        .pluck(),
      activeOfKind: item(`kind = ? AND status = 'active'`),
      liveOfKind: item(`kind = ? AND status IN ('active', 'proposed')`),
      proposed: item(`status = 'proposed'`),
      exportable: item(`status IN ('active', 'proposed') ORDER BY created_at`),
      reinforce: db.prepare(
        'UPDATE memory_items SET salience = min(salience + 0.5, 5), updated_at = ? WHERE id = ?',
      ),
      setStatus: db.prepare('UPDATE memory_items SET status = ?, updated_at = ? WHERE id = ?'),
      setContent: db.prepare('UPDATE memory_items SET content = ?, updated_at = ? WHERE id = ?'),
      forget: db.prepare(
        `UPDATE memory_items SET status = 'forgotten', forgotten_at = ?, purge_after = ?, updated_at = ? WHERE id = ?`,
      ),
      provenance: db.prepare(
        'SELECT source, ref, extractor, at FROM memory_provenance WHERE item_id = ? ORDER BY at',
      ),
      versions: db.prepare(
        'SELECT version, content, at FROM memory_versions WHERE item_id = ? ORDER BY version',
      ),
      // The id lists travel as JSON arrays, so one statement serves any number of them.
      sources:
        db.prepare(`SELECT id AS turnId, conversation_id AS conversationId, user_text AS userText, created_at AS at FROM turns
        WHERE id IN (SELECT value FROM json_each(?)) OR conversation_id IN (SELECT value FROM json_each(?))
        ORDER BY created_at DESC LIMIT 50`),
      taught:
        db.prepare(`SELECT m.rowid AS rowid, m.* FROM memory_items m JOIN memory_provenance p ON p.item_id = m.id
        WHERE m.kind = 'turn' AND m.status = 'active' AND p.source = 'turn'
          AND p.ref IN (SELECT ref FROM memory_provenance WHERE item_id = ? AND source = 'turn')`),
      matching:
        db.prepare(`SELECT m.rowid AS rowid, m.* FROM memory_fts JOIN memory_items m ON m.rowid = memory_fts.rowid
        WHERE memory_fts MATCH ? AND m.status = 'active'`),
      activeCount: db.prepare(`SELECT count(*) FROM memory_items WHERE status = 'active'`).pluck(),
      list: db.prepare(`SELECT rowid, * FROM memory_items
        WHERE (@status IS NULL AND status IN ('active', 'proposed') OR status = @status) AND (@kind IS NULL OR kind = @kind)
        ORDER BY updated_at DESC LIMIT @limit`),
    };
  }

  /** The people memory has heard from, other than the user and the companion. */
  speakers = (): string[] => this.q.speakers.all() as string[];
  activeOfKind = (kind: string) => (this.q.activeOfKind.all(kind) as ItemRow[]).map(toItem);
  liveOfKind = (kind: string) => this.q.liveOfKind.all(kind) as ItemRow[];
  proposed = () => this.q.proposed.all() as ItemRow[];
  exportable = () => (this.q.exportable.all() as ItemRow[]).map(toItem);
  reinforce = (id: string, at: number) => void this.q.reinforce.run(at, id);
  setStatus = (id: string, status: 'active' | 'rejected', at: number) =>
    void this.q.setStatus.run(status, at, id);
  setContent = (id: string, content: string, at: number) =>
    void this.q.setContent.run(content, at, id);
  forget = (id: string, at: number, purgeAfter: number) =>
    void this.q.forget.run(at, purgeAfter, at, id);
  provenance = (id: string) => this.q.provenance.all(id) as ProvenanceRow[];
  versions = (id: string) =>
    this.q.versions.all(id) as Array<{ version: number; content: string; at: number }>;
  sources = (turnIds: string[], conversationIds: string[]) =>
    this.q.sources.all(JSON.stringify(turnIds), JSON.stringify(conversationIds)) as SourceTurn[];
  /** The turns whose words taught this item (forgetting it forgets them too). */
  taught = (id: string) => this.q.taught.all(id) as ItemRow[];
  /** Active items whose words contain every term (FTS5). */
  matching = (terms: string[]) =>
    this.q.matching.all(terms.map((t) => `"${t}"`).join(' AND ')) as ItemRow[];
  activeCount = () => this.q.activeCount.get() as number;
  list = (f: ListFilter) =>
    (
      this.q.list.all({
        status: f.status ?? null,
        kind: f.kind ?? null,
        limit: f.limit ?? 200,
      }) as ItemRow[]
    ).map(toItem);
}
