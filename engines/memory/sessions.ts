// Rolling session memory: one item per conversation holding the model's summary of its earlier part
// (written once the conversation went quiet) and its latest exchanges word for word, newest kept.
// Secrets never enter it; forgetting a turn rebuilds it, so what was forgotten is not kept here.
// It is searchable only once it holds a summary: until then its words are the turns' own, which
// are searchable already, and re-indexing it on every turn would slow every search down.
import type { MemoryItem } from '../bus/index.ts';
import type { Db } from '../storage/index.ts';
import type { MemoryStore } from './store.ts';

const WINDOW_CHARS = 600;
const LINE_CHARS = 200;
const DAY = 86_400_000;
const RANK: Record<MemoryItem['privacy'], number> = {
  public: 0,
  personal: 1,
  sensitive: 2,
  secret: 3,
};

type SessionRow = {
  conversation_id: string;
  item_id: string;
  summary: string;
  summarized_through: number;
  last_turn_id: string | null;
  updated_at: number;
};
type TurnRow = {
  rowid: number;
  speaker: string | null;
  content: string;
  privacy: MemoryItem['privacy'];
  occurred_at: number;
};

const oneLine = (s: string) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > LINE_CHARS ? `${t.slice(0, LINE_CHARS - 1)}…` : t;
};

/** The latest turns that fit the window, oldest first, after the summary of what came before. */
function windowOf(turns: TurnRow[], summary: string | undefined) {
  const lines: string[] = [];
  let used = 0;
  for (const t of turns) {
    const line = `${t.speaker ?? 'someone'}: ${oneLine(t.content)}`;
    if (lines.length > 0 && used + line.length > WINDOW_CHARS) break;
    lines.push(line);
    used += line.length + 1;
  }
  const content = [summary ? `Earlier: ${summary}` : '', ...lines.reverse()]
    .filter(Boolean)
    .join('\n');
  // As private as the most private turn in it.
  const privacy = turns.reduce<MemoryItem['privacy']>(
    (p, t) => (RANK[t.privacy] > RANK[p] ? t.privacy : p),
    'personal',
  );
  return { content, privacy };
}

const sessionItem = (
  id: string,
  conversationId: string,
  content: string,
  privacy: MemoryItem['privacy'],
  occurredAt: number,
  now: number,
) => ({
  id,
  kind: 'session' as const,
  content,
  privacy,
  retention: 'days:365',
  expiresAt: now + 365 * DAY,
  confidence: 1,
  salience: 1,
  speaker: null,
  conversationId,
  occurredAt,
  contradicts: null,
});

export class Sessions {
  private readonly db: Db;
  private readonly store: MemoryStore;
  private readonly q;

  constructor(db: Db, store: MemoryStore) {
    this.db = db;
    this.store = store;
    this.q = {
      get: db.prepare('SELECT * FROM memory_sessions WHERE conversation_id = ?'),
      upsert:
        db.prepare(`INSERT INTO memory_sessions (conversation_id, item_id, summary, summarized_through, last_turn_id, updated_at)
        VALUES (@conversation_id, @item_id, @summary, @summarized_through, @last_turn_id, @updated_at)
        ON CONFLICT (conversation_id) DO UPDATE SET item_id = excluded.item_id, summary = excluded.summary,
        summarized_through = excluded.summarized_through, last_turn_id = excluded.last_turn_id, updated_at = excluded.updated_at`),
      recent:
        db.prepare(`SELECT rowid, speaker, content, privacy, occurred_at FROM memory_items WHERE conversation_id = ? AND kind = 'turn'
        AND status = 'active' AND privacy != 'secret' AND rowid > ? ORDER BY rowid DESC LIMIT 16`),
      since:
        db.prepare(`SELECT rowid, speaker, content, privacy, occurred_at FROM memory_items WHERE conversation_id = ? AND kind = 'turn'
        AND status = 'active' AND privacy != 'secret' AND rowid > ? ORDER BY rowid`),
      update: db.prepare(
        'UPDATE memory_items SET content = ?, privacy = ?, updated_at = ? WHERE id = ?',
      ),
      setSummary: db.prepare(
        'UPDATE memory_sessions SET summary = ?, summarized_through = ? WHERE conversation_id = ?',
      ),
      // Everything so far counts as summarised (by nothing): only later turns roll in.
      clearItem:
        db.prepare(`UPDATE memory_sessions SET summary = '', summarized_through = (SELECT coalesce(max(rowid), 0) FROM memory_items
        WHERE conversation_id = memory_sessions.conversation_id) WHERE item_id = ?`),
      postpone: db.prepare('UPDATE memory_sessions SET updated_at = ? WHERE conversation_id = ?'),
      quiet: db
        .prepare(
          `SELECT s.conversation_id FROM memory_sessions s JOIN memory_items m ON m.id = s.item_id
        WHERE m.status = 'active' AND s.updated_at < ? AND (SELECT count(*) FROM memory_items t WHERE t.conversation_id = s.conversation_id
        AND t.kind = 'turn' AND t.status = 'active' AND t.privacy != 'secret' AND t.rowid > s.summarized_through) >= ? ORDER BY s.updated_at LIMIT ?`,
        )
        .pluck(),
    };
  }

  private row(conversationId: string): SessionRow | undefined {
    return this.q.get.get(conversationId) as SessionRow | undefined;
  }

  /** Rebuilds the conversation's session item after a turn was remembered; null when it holds nothing. */
  roll(
    conversationId: string,
    turnId: string | null,
    now: number,
    newId: () => string,
  ): { id: string; rowid: number; content: string; searchable: boolean } | null {
    const row = this.row(conversationId);
    const turns = this.q.recent.all(conversationId, row?.summarized_through ?? 0) as TurnRow[];
    if (turns.length === 0 && !row?.summary) return null;
    const { content, privacy } = windowOf(turns, row?.summary);
    const current = row ? this.store.get(row.item_id) : null;
    let item: { id: string; rowid: number };
    const created = !(current && current.status === 'active');
    if (!created) {
      this.q.update.run(content, privacy, now, current.id);
      item = current;
    } else {
      item = this.store.add(
        sessionItem(
          newId(),
          conversationId,
          content,
          privacy,
          turns.at(-1)?.occurred_at ?? now,
          now,
        ),
        [{ source: 'conversation', ref: conversationId, extractor: 'session:rolling' }],
        now,
      );
    }
    this.q.upsert.run({
      conversation_id: conversationId,
      item_id: item.id,
      summary: row?.summary ?? '',
      summarized_through: row?.summarized_through ?? 0,
      last_turn_id: turnId ?? row?.last_turn_id ?? null,
      updated_at: now,
    });
    const searchable = Boolean(row?.summary);
    if (searchable) this.store.index(item.rowid, content);
    else if (created) this.store.unindex(item.rowid); // store.add indexed it
    return { id: item.id, rowid: item.rowid, content, searchable };
  }

  /** A session item was forgotten: what it held stays out; only later turns roll into a new one. */
  forgotten(itemId: string): void {
    this.q.clearItem.run(itemId);
  }

  /**
   * A turn of this conversation was forgotten: a summary that may hold it is dropped and the window
   * rebuilt. Returns the session item when nothing is left for it to hold (the caller forgets it).
   */
  turnForgotten(
    conversationId: string,
    now: number,
    newId: () => string,
  ): { id: string; rowid: number } | null {
    const row = this.row(conversationId);
    if (!row) return null;
    this.q.setSummary.run('', 0, conversationId);
    const held = this.store.get(row.item_id);
    if (held) this.store.unindex(held.rowid); // without its summary it is not searchable
    if (this.roll(conversationId, null, now, newId)) return null;
    const item = this.store.get(row.item_id);
    return item?.status === 'active' ? item : null;
  }

  /** Conversations quiet since `before` with at least `minTurns` turns not yet summarised. */
  quiet(before: number, minTurns: number, limit: number): string[] {
    return this.q.quiet.all(before, minTurns, limit) as string[];
  }

  /** What the model is asked to summarise: the summary so far and the turns after it (newest kept). */
  material(
    conversationId: string,
    maxChars: number,
  ): { previous: string; lines: string[]; through: number; lastTurnId: string | null } | null {
    const row = this.row(conversationId);
    if (!row) return null;
    const turns = this.q.since.all(conversationId, row.summarized_through) as TurnRow[];
    const lines: string[] = [];
    let used = 0;
    for (const t of [...turns].reverse()) {
      const line = `${t.speaker ?? 'someone'}: ${t.content.replace(/\s+/g, ' ').trim()}`;
      if (used + line.length > maxChars) break;
      lines.unshift(line);
      used += line.length + 1;
    }
    return {
      previous: row.summary,
      lines,
      through: turns.at(-1)?.rowid ?? row.summarized_through,
      lastTurnId: row.last_turn_id,
    };
  }

  /** Keeps the model's summary: the item's old text goes to its version history. */
  summarized(
    conversationId: string,
    summary: string,
    through: number,
    extractor: string,
    now: number,
    newId: () => string,
  ): ReturnType<Sessions['roll']> {
    const row = this.row(conversationId)!;
    const item = this.store.get(row.item_id);
    return this.db.transaction(() => {
      if (item) this.store.keepVersion(item.id, item.content, now);
      this.q.setSummary.run(summary, through, conversationId);
      const rolled = this.roll(conversationId, null, now, newId);
      if (item)
        this.store.addProvenance(
          item.id,
          { source: 'conversation', ref: conversationId, extractor },
          now,
        );
      return rolled;
    })();
  }

  postpone(conversationId: string, now: number): void {
    this.q.postpone.run(now, conversationId);
  }

  itemIdOf(conversationId: string): string | null {
    return this.row(conversationId)?.item_id ?? null;
  }
}
