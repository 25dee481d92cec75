// Artifacts: a note of each file or page read through L5 (what it was and its first lines), so
// "that file you read yesterday" can be found again. Reading the same thing again updates the note.
import type { MemoryItem } from '../bus/index.ts';
import type { Db } from '../storage/index.ts';
import { classifyPrivacy } from './rules.ts';
import type { MemoryStore, StoredItem } from './store.ts';

const DAY = 86_400_000;
const NOTE_CHARS = 400;

// Key material and tokens that classifyPrivacy's words do not name: PEM blocks, long hex or
// base64 runs, and the usual token prefixes. Such content is never kept, only that it was read.
const SECRET_SHAPES = [
  /-----BEGIN [A-Z ]*(PRIVATE KEY|SECRET)[A-Z ]*-----/,
  /\b[0-9a-f]{40,}\b/i,
  /\b[A-Za-z0-9+/]{48,}={0,2}/,
  /\b(sk|pk|rk)-[A-Za-z0-9_-]{16,}/,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/,
  /\bxox[abpr]-[A-Za-z0-9-]{10,}/,
  /\bAKIA[0-9A-Z]{16}\b/,
];
export const looksLikeSecret = (text: string) => SECRET_SHAPES.some((r) => r.test(text));

export function artifactNote(capability: string, resource: string, excerpt: string): string {
  const what = capability === 'web.fetch' ? 'Web page' : 'File';
  if (classifyPrivacy(excerpt) === 'secret' || looksLikeSecret(excerpt))
    return `${what} ${resource} was read (its content looks like a secret, so it was not kept).`;
  const text = excerpt.replace(/\s+/g, ' ').trim();
  return `${what} ${resource} was read. It begins: ${text.length > NOTE_CHARS ? `${text.slice(0, NOTE_CHARS - 1)}…` : text || '(empty)'}`;
}

type Read = {
  capability: string;
  resource: string;
  excerpt: string;
  turnId: string | null;
  now: number;
  newId: () => string;
};

/** The artifact already kept for this file or page, if any. */
function keptFor(db: Db, store: MemoryStore, source: string, resource: string) {
  const id = db
    .prepare(
      `SELECT m.id FROM memory_items m JOIN memory_provenance p ON p.item_id = m.id
    WHERE m.kind = 'artifact' AND m.status = 'active' AND p.source = ? AND p.ref = ? LIMIT 1`,
    )
    .pluck()
    .get(source, resource) as string | undefined;
  return id ? store.get(id) : null;
}

/** The new reading replaces the note; the old text is kept as a version. */
function update(
  db: Db,
  store: MemoryStore,
  current: StoredItem,
  a: Read,
  note: { content: string; privacy: MemoryItem['privacy'] },
) {
  db.transaction(() => {
    if (current.content !== note.content) store.keepVersion(current.id, current.content, a.now);
    db.prepare(
      'UPDATE memory_items SET content = ?, privacy = ?, occurred_at = ?, expires_at = ?, updated_at = ? WHERE id = ?',
    ).run(note.content, note.privacy, a.now, a.now + 90 * DAY, a.now, current.id);
    store.index(current.rowid, note.content);
    if (a.turnId)
      store.addProvenance(
        current.id,
        { source: 'turn', ref: a.turnId, extractor: 'artifact' },
        a.now,
      );
  })();
}

/** Adds the note, or updates the one already kept for this resource (its old text becomes a version). */
export function keepArtifact(
  db: Db,
  store: MemoryStore,
  a: Read,
): { item: StoredItem; added: boolean } {
  const source = a.capability === 'web.fetch' ? 'url' : 'file';
  const content = artifactNote(a.capability, a.resource, a.excerpt);
  const privacy = looksLikeSecret(a.excerpt) ? 'secret' : classifyPrivacy(a.excerpt);
  const current = keptFor(db, store, source, a.resource);
  if (current) {
    update(db, store, current, a, { content, privacy });
    return { item: store.get(current.id)!, added: false };
  }
  const provenance = [
    { source, ref: a.resource, extractor: 'artifact' },
    ...(a.turnId ? [{ source: 'turn', ref: a.turnId, extractor: 'artifact' }] : []),
  ];
  const item = store.add(
    {
      id: a.newId(),
      kind: 'artifact',
      content,
      privacy,
      retention: 'days:90',
      expiresAt: a.now + 90 * DAY,
      confidence: 1,
      salience: 1,
      speaker: null,
      conversationId: null,
      occurredAt: a.now,
      contradicts: null,
    },
    provenance,
    a.now,
  );
  return { item, added: true };
}
