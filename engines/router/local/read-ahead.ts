// Reading ahead in the model process: a prompt evaluated before the turn asks for it, and — when
// the speaker paused (`speculate`) — the first words of its reply generated too, kept for a turn
// that asks exactly that prompt and dropped for any other.
import type { ChatHistoryItem, LlamaChat, Token } from 'node-llama-cpp';
import type { ToWorker } from './protocol.ts';

type Messages = Extract<ToWorker, { type: 'preload' }>['messages'];
type Preload = Extract<ToWorker, { type: 'preload' }>;
/** The words generated ahead: their text and tokens, and whether the reply ended there. */
export type Spoken = { text: string; ids: Token[]; done: boolean };

type Ahead = {
  abort: AbortController;
  key: string;
  messages: Messages;
  /** Tokens came: the prompt is read, what runs now is only useful to the very same prompt. */
  generating: boolean;
  /** The turn asking exactly this prompt came: stop here and hand it what there is. */
  handedOver: boolean;
  spoken: Spoken | null;
};

/** The generation's prompt goes on from the preload's: what the preload reads, it needs. */
function leadsTo(ahead: Messages, prompt: Messages): boolean {
  if (prompt.length < ahead.length) return false;
  return ahead.every((m, i) => {
    const p = prompt[i];
    if (p.role !== m.role) return false;
    return i === ahead.length - 1 ? p.text.startsWith(m.text) : p.text === m.text;
  });
}

export type ReadAheadDeps = {
  chat: () => LlamaChat | null;
  /** Runs the job after everything queued before it (the model does one thing at a time). */
  enqueue: (job: () => Promise<void>) => void;
  history: (messages: Messages) => ChatHistoryItem[];
};

async function run(d: ReadAheadDeps, a: Ahead, p: Preload): Promise<void> {
  const chat = d.chat();
  if (a.abort.signal.aborted || !chat) return;
  const ids: Token[] = [];
  const result = await chat
    .generateResponse(d.history(p.messages), {
      maxTokens: Math.max(1, p.speculate ?? 0),
      temperature: p.temperature,
      signal: a.abort.signal,
      stopOnAbortSignal: true,
      onToken: (chunk) => {
        a.generating = true;
        ids.push(...chunk);
        // The turn is waiting for this very reply: it takes over from the first words.
        if (a.handedOver) a.abort.abort();
      },
    })
    .catch(() => null);
  if (!result || !p.speculate || (a.abort.signal.aborted && !a.handedOver)) return;
  // The response, not the streamed chunks: stopped early, it has the text the tokens so far make.
  a.spoken = { text: result.response, ids, done: result.metadata.stopReason === 'eogToken' };
}

export function createReadAhead(d: ReadAheadDeps) {
  let current: Ahead | null = null;
  return {
    /** Reads this prompt next (after what is queued); a newer one replaces it. */
    preload(p: Preload): void {
      current?.abort.abort();
      const a: Ahead = {
        abort: new AbortController(),
        key: JSON.stringify(p.messages),
        messages: p.messages,
        generating: false,
        handedOver: false,
        spoken: null,
      };
      current = a;
      d.enqueue(() => run(d, a, p));
    },
    /**
     * A generation is coming: generating ahead for exactly its prompt stops where it is and hands
     * over what it has (the turn goes on from there, sooner than waiting for all of it); reading
     * the start of its prompt goes on; anything else stops now, so the turn does not wait.
     */
    coming(messages: Messages): void {
      if (!current) return;
      if (current.key === JSON.stringify(messages)) {
        current.handedOver = true;
        if (current.generating) current.abort.abort();
      } else if (current.generating || !leadsTo(current.messages, messages)) current.abort.abort();
    },
    /** In the generation's turn: the words generated ahead for exactly its prompt, once. */
    take(messages: Messages): Spoken | null {
      const a = current;
      current = null;
      if (!a?.spoken || a.key !== JSON.stringify(messages)) return null;
      return a.spoken;
    },
  };
}
