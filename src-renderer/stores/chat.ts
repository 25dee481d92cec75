// Center column: the open conversation's turns, the reply streaming in, and send/stop.
import { create } from 'zustand';
import type { Turn } from '../../engines/bus/index.ts';
import { client, ClientError } from '../ipc/client.ts';

type ChatState = {
  conversationId: string | null;
  turns: Turn[];
  /** Text of the reply streaming now, keyed by turn id. */
  live: Record<string, string>;
  /** Tool calls of the turn running now, as they finish. */
  liveSteps: Record<string, Turn['steps']>;
  sendError: string | null;
  load(conversationId: string | null): Promise<void>;
  send(conversationId: string, text: string): Promise<boolean>;
  stop(): Promise<void>;
  turnStarted(turn: Turn): void;
  turnFinished(turn: Turn): void;
  token(turnId: string, text: string): void;
  step(turnId: string, step: Turn['steps'][number]): void;
};

export const useChat = create<ChatState>((set, get) => ({
  conversationId: null,
  turns: [],
  live: {},
  liveSteps: {},
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
    set({
      turns: [
        ...turns,
        ...get().turns.filter((t) => !known.has(t.id) && t.conversationId === conversationId),
      ],
    });
  },
  async send(conversationId, text) {
    set({ sendError: null });
    try {
      await client.invoke('chat.send_message', { conversationId, text });
      return true;
    } catch (error) {
      set({ sendError: error instanceof ClientError ? error.message : String(error) });
      return false;
    }
  },
  async stop() {
    await client.invoke('chat.cancel_turn', {});
  },
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
  step(turnId, step) {
    set({
      liveSteps: { ...get().liveSteps, [turnId]: [...(get().liveSteps[turnId] ?? []), step] },
    });
  },
  token(turnId, text) {
    const live = get().live;
    if (turnId in live) set({ live: { ...live, [turnId]: live[turnId] + text } });
  },
}));
