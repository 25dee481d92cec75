// Typed access to conversations and turns. Rows are mapped to the bus's types here and nowhere else.
import type { Conversation, ErrorInfo, Turn } from '../bus/index.ts';
import type { Db } from './database.ts';

type ConversationRow = { id: string; title: string; created_at: number; updated_at: number };
type TurnRow = {
  id: string;
  conversation_id: string;
  user_text: string;
  assistant_text: string;
  status: Turn['status'];
  error_code: string | null;
  error_message: string | null;
  model: string | null;
  ttft_ms: number | null;
  tokens: number;
  tokens_per_second: number | null;
  created_at: number;
  completed_at: number | null;
  steps: string;
};

const toConversation = (r: ConversationRow): Conversation => ({
  id: r.id,
  title: r.title,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toTurn = (r: TurnRow): Turn => ({
  id: r.id,
  conversationId: r.conversation_id,
  userText: r.user_text,
  assistantText: r.assistant_text,
  status: r.status,
  error: r.error_code
    ? { code: r.error_code as ErrorInfo['code'], message: r.error_message ?? '' }
    : null,
  model: r.model,
  ttftMs: r.ttft_ms,
  tokens: r.tokens,
  tokensPerSecond: r.tokens_per_second,
  createdAt: r.created_at,
  completedAt: r.completed_at,
  steps: JSON.parse(r.steps) as Turn['steps'],
});

export type TurnOutcome = Pick<
  Turn,
  | 'assistantText'
  | 'status'
  | 'error'
  | 'model'
  | 'ttftMs'
  | 'tokens'
  | 'tokensPerSecond'
  | 'completedAt'
> & { steps?: Turn['steps'] };

export type ConversationStore = ReturnType<typeof createConversationStore>;

/** Every statement, prepared once. */
function prepare(db: Db) {
  return {
    list: db.prepare('SELECT * FROM conversations ORDER BY updated_at DESC, rowid DESC'),
    get: db.prepare('SELECT * FROM conversations WHERE id = ?'),
    insert: db.prepare(
      'INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)',
    ),
    rename: db.prepare('UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?'),
    touch: db.prepare('UPDATE conversations SET updated_at = ? WHERE id = ?'),
    remove: db.prepare('DELETE FROM conversations WHERE id = ?'),
    turns: db.prepare('SELECT * FROM turns WHERE conversation_id = ? ORDER BY created_at, rowid'),
    turn: db.prepare('SELECT * FROM turns WHERE id = ?'),
    insertTurn: db.prepare(
      `INSERT INTO turns (id, conversation_id, user_text, status, created_at) VALUES (?, ?, ?, 'streaming', ?)`,
    ),
    finishTurn:
      db.prepare(`UPDATE turns SET assistant_text = ?, status = ?, error_code = ?, error_message = ?, model = ?,
      ttft_ms = ?, tokens = ?, tokens_per_second = ?, completed_at = ?, steps = ? WHERE id = ?`),
    cutReply: db.prepare(`UPDATE turns SET assistant_text = ?, status = 'stopped' WHERE id = ?`),
    interrupted: db.prepare(`UPDATE turns SET status = 'error', error_code = 'Interrupted',
      error_message = 'Aether stopped before this reply finished.', completed_at = ? WHERE status = 'streaming'`),
  };
}

export function createConversationStore(db: Db) {
  const q = prepare(db);
  return {
    list: (): Conversation[] => (q.list.all() as ConversationRow[]).map(toConversation),
    get: (id: string): Conversation | null => {
      const row = q.get.get(id) as ConversationRow | undefined;
      return row ? toConversation(row) : null;
    },
    create(id: string, title: string, at: number): Conversation {
      q.insert.run(id, title, at, at);
      return { id, title, createdAt: at, updatedAt: at };
    },
    rename(id: string, title: string, at: number): boolean {
      return q.rename.run(title, at, id).changes === 1;
    },
    remove: (id: string): boolean => q.remove.run(id).changes === 1,
    turns: (conversationId: string): Turn[] =>
      (q.turns.all(conversationId) as TurnRow[]).map(toTurn),
    turn: (id: string): Turn | null => {
      const row = q.turn.get(id) as TurnRow | undefined;
      return row ? toTurn(row) : null;
    },
    startTurn(id: string, conversationId: string, userText: string, at: number): Turn {
      db.transaction(() => {
        q.insertTurn.run(id, conversationId, userText, at);
        q.touch.run(at, conversationId);
      })();
      return this.turn(id)!;
    },
    /** Null when the turn is gone (its conversation was deleted while it ran). */
    finishTurn(id: string, o: TurnOutcome): Turn | null {
      q.finishTurn.run(
        o.assistantText,
        o.status,
        o.error?.code ?? null,
        o.error?.message ?? null,
        o.model,
        o.ttftMs,
        o.tokens,
        o.tokensPerSecond,
        o.completedAt,
        JSON.stringify(o.steps ?? []),
        id,
      );
      return this.turn(id);
    },
    /** A reply interrupted while it was spoken keeps only what was heard. */
    cutReply(id: string, assistantText: string): Turn | null {
      q.cutReply.run(assistantText, id);
      return this.turn(id);
    },
    /** Turns left streaming by a host that stopped mid-reply are marked, never left hanging. */
    markInterrupted: (at: number): number => q.interrupted.run(at).changes,
  };
}
