// Center column: the open conversation's turns, the reply streaming in, and send/stop.
import type { Turn } from '../../engines/bus/index.ts';
import { say, type AetherClient } from '../ipc/client.ts';
import { boundStore, type Slice } from './bound.ts';

export type ChatState = {
  conversationId: string | null;
  turns: Turn[];
  /** Text of the reply streaming now, keyed by turn id. */
  live: Record<string, string>;
  /** Tool calls of the turn running now, as they finish. */
  liveSteps: Record<string, Turn['steps']>;
  sendError: string | null;
  load(conversationId: string | null): Promise<void>;
  reload(): Promise<void>;
  send(conversationId: string, text: string): Promise<boolean>;
  /** Reads the words ahead once typing pauses, or at once (`now`: the speaker paused). */
  preload(conversationId: string, text: string, now?: boolean): void;
  stop(): Promise<void>;
  turnStarted(turn: Turn): void;
  turnFinished(turn: Turn): void;
  token(turnId: string, text: string): void;
  step(turnId: string, step: Turn['steps'][number]): void;
};

const conversation: Slice<
  ChatState,
  'conversationId' | 'turns' | 'sendError' | 'load' | 'reload' | 'send' | 'stop'
> = (client, set, get) => ({
  conversationId: null,
  turns: [],
  sendError: null,
  async load(conversationId) {
    set({ conversationId, sendError: null });
    if (!conversationId) {
      set({ turns: [] });
      return;
    }
    const { turns } = await client.invoke('chat.get_conversation', { id: conversationId });
    if (get().conversationId !== conversationId) return;
    // A turn that started while this was loading arrived by event; keep it.
    const known = new Set(turns.map((t) => t.id));
    const arrived = get().turns.filter(
      (t) => !known.has(t.id) && t.conversationId === conversationId,
    );
    set({ turns: [...turns, ...arrived] });
  },
  reload: () => get().load(get().conversationId),
  async send(conversationId, text) {
    set({ sendError: null });
    try {
      await client.invoke('chat.send_message', { conversationId, text });
      return true;
    } catch (error) {
      set({ sendError: say(error) });
      return false;
    }
  },
  async stop() {
    await client.invoke('chat.cancel_turn', {});
  },
});

const streaming: Slice<
  ChatState,
  'live' | 'liveSteps' | 'turnStarted' | 'turnFinished' | 'token' | 'step'
> = (client, set, get) => ({
  live: {},
  liveSteps: {},
  turnStarted(turn) {
    if (turn.conversationId !== get().conversationId) return;
    set({
      turns: [...get().turns.filter((t) => t.id !== turn.id), turn],
      live: { ...get().live, [turn.id]: '' },
    });
  },
  turnFinished(turn) {
    const { [turn.id]: _done, ...live } = get().live;
    const { [turn.id]: _steps, ...liveSteps } = get().liveSteps;
    set({ liveSteps });
    if (turn.conversationId !== get().conversationId) {
      set({ live });
      return;
    }
    set({ turns: get().turns.map((t) => (t.id === turn.id ? turn : t)), live });
  },
  token(turnId, text) {
    const live = get().live;
    if (turnId in live) set({ live: { ...live, [turnId]: live[turnId] + text } });
  },

  step(turnId, step) {
    const steps = [...(get().liveSteps[turnId] ?? []), step];
    set({ liveSteps: { ...get().liveSteps, [turnId]: steps } });
  },
});

/** Typing paused this long: the words so far are worth reading ahead. */
const PRELOAD_PAUSE_MS = 300;

function preloader(client: AetherClient): Pick<ChatState, 'preload'> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    preload(conversationId, text, now = false) {
      if (timer) clearTimeout(timer);
      timer = null;
      if (text.trim().length < 3) return;
      // Only a shortcut: when it cannot be done, the turn simply reads it all then.
      const read = (pause?: boolean) =>
        client.invoke('chat.preload', { conversationId, text, pause }).catch(() => {});
      if (now) return void read(true);
      timer = setTimeout(() => {
        timer = null;
        void read();
      }, PRELOAD_PAUSE_MS);
    },
  };
}

export function createChatStore(client: AetherClient) {
  return boundStore<ChatState>(
    (set, get) => ({
      ...conversation(client, set, get),
      ...streaming(client, set, get),
      ...preloader(client),
    }),
    (get) => [
      client.on('chat.turn_started', (e) => get().turnStarted(e.payload.turn)),
      client.on('chat.turn_finished', (e) => get().turnFinished(e.payload.turn)),
      client.on('router.token', (e) => get().token(e.payload.turnId, e.payload.text)),
      client.on('router.tool_call', (e) => {
        const { turnId, step: _index, status, ...step } = e.payload;
        if (status !== 'proposed') get().step(turnId, { ...step, status });
      }),
    ],
  );
}
