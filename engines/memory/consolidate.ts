// Background upkeep: expiry by retention (→ tombstone), purge after the grace period (content,
// search rows and versions deleted; the audit trail stays), and salience that fades when unused.
import type { Db } from '../storage/index.ts';

const DAY = 86_400_000;

export function consolidate(
  db: Db,
  now: number,
  graceMs: number,
): { expired: number; purged: number; decayed: number; purgedRowids: number[] } {
  return db.transaction(() => {
    const expiring = db
      .prepare(
        `SELECT rowid FROM memory_items WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?`,
      )
      .pluck()
      .all(now) as number[];
    const unindex = db.prepare('DELETE FROM memory_fts WHERE rowid = ?');
    for (const rowid of expiring) unindex.run(rowid);
    const expired = db
      .prepare(
        `UPDATE memory_items SET status = 'forgotten', forgotten_at = ?, purge_after = ?, updated_at = ? WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?`,
      )
      .run(now, now + graceMs, now, now).changes;
    const purgeable = db
      .prepare(
        `SELECT id, rowid FROM memory_items WHERE status = 'forgotten' AND purge_after <= ? AND content != ''`,
      )
      .all(now) as Array<{ id: string; rowid: number }>;
    const dropVersions = db.prepare('DELETE FROM memory_versions WHERE item_id = ?');
    for (const p of purgeable) {
      unindex.run(p.rowid);
      dropVersions.run(p.id);
    }
    const purged = db
      .prepare(
        `UPDATE memory_items SET content = '' WHERE status = 'forgotten' AND purge_after <= ? AND content != ''`,
      )
      .run(now).changes;
    const decayed = db
      .prepare(
        `UPDATE memory_items SET salience = max(0.1, salience * 0.98) WHERE status = 'active' AND coalesce(last_access, created_at) < ?`,
      )
      .run(now - 7 * DAY).changes;
    return { expired, purged, decayed, purgedRowids: purgeable.map((p) => p.rowid) };
  })();
}

/**
 * Facts and preferences that say the same thing in the same words (case, punctuation and order
 * aside) become one: the oldest keeps every provenance row and gains the others' weight; the rest
 * are tombstoned like anything forgotten. Contradictions differ in their words, so they stay apart.
 */
export function mergeDuplicates(
  db: Db,
  now: number,
  graceMs: number,
): { merged: number; mergedRowids: number[]; keptIds: string[] } {
  return db.transaction(() => {
    const rows = db
      .prepare(
        `SELECT rowid, id, kind, content, salience, confidence, access_count FROM memory_items
      WHERE kind IN ('fact', 'preference') AND status = 'active' ORDER BY created_at, rowid LIMIT 5000`,
      )
      .all() as Array<{
      rowid: number;
      id: string;
      kind: string;
      content: string;
      salience: number;
      confidence: number;
      access_count: number;
    }>;
    const first = new Map<string, (typeof rows)[number]>();
    const mergedRowids: number[] = [];
    const kept = new Set<string>();
    const moveProvenance = db.prepare('UPDATE memory_provenance SET item_id = ? WHERE item_id = ?');
    const strengthen = db.prepare(
      'UPDATE memory_items SET salience = min(salience + 0.5, 5), confidence = max(confidence, ?), access_count = access_count + ?, updated_at = ? WHERE id = ?',
    );
    const retire = db.prepare(
      `UPDATE memory_items SET status = 'forgotten', forgotten_at = ?, purge_after = ?, updated_at = ? WHERE id = ?`,
    );
    const unindex = db.prepare('DELETE FROM memory_fts WHERE rowid = ?');
    for (const r of rows) {
      const key = `${r.kind}:${[...new Set(r.content.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].sort().join(' ')}`;
      const keep = first.get(key);
      if (!keep) {
        first.set(key, r);
        continue;
      }
      moveProvenance.run(keep.id, r.id);
      strengthen.run(r.confidence, r.access_count, now, keep.id);
      retire.run(now, now + graceMs, now, r.id);
      unindex.run(r.rowid);
      mergedRowids.push(r.rowid);
      kept.add(keep.id);
    }
    return { merged: mergedRowids.length, mergedRowids, keptIds: [...kept] };
  })();
}
