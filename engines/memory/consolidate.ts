// Background upkeep: expiry by retention (→ tombstone), purge after the grace period (content,
// search rows and versions deleted; the audit trail stays), and salience that fades when unused.
import type { Db } from '../storage/index.ts';

const DAY = 86_400_000;

export function consolidate(db: Db, now: number, graceMs: number): { expired: number; purged: number; decayed: number; purgedRowids: number[] } {
  return db.transaction(() => {
    const expiring = db.prepare(`SELECT rowid FROM memory_items WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?`).pluck().all(now) as number[];
    const unindex = db.prepare('DELETE FROM memory_fts WHERE rowid = ?');
    for (const rowid of expiring) unindex.run(rowid);
    const expired = db.prepare(`UPDATE memory_items SET status = 'forgotten', forgotten_at = ?, purge_after = ?, updated_at = ? WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?`)
      .run(now, now + graceMs, now, now).changes;
    const purgeable = db.prepare(`SELECT id, rowid FROM memory_items WHERE status = 'forgotten' AND purge_after <= ? AND content != ''`).all(now) as Array<{ id: string; rowid: number }>;
    const dropVersions = db.prepare('DELETE FROM memory_versions WHERE item_id = ?');
    for (const p of purgeable) {
      unindex.run(p.rowid);
      dropVersions.run(p.id);
    }
    const purged = db.prepare(`UPDATE memory_items SET content = '' WHERE status = 'forgotten' AND purge_after <= ? AND content != ''`).run(now).changes;
    const decayed = db.prepare(`UPDATE memory_items SET salience = max(0.1, salience * 0.98) WHERE status = 'active' AND coalesce(last_access, created_at) < ?`)
      .run(now - 7 * DAY).changes;
    return { expired, purged, decayed, purgedRowids: purgeable.map((p) => p.rowid) };
  })();
}
