// Right column: what the live turn is doing, as the host reports it.
import type {
  ActivePersona,
  PresenceState,
  RouterStatus,
  TurnState,
} from '../../engines/bus/index.ts';
import type { AetherClient } from '../ipc/client.ts';
import { boundStore } from './bound.ts';

type Fields = {
  turnState: TurnState;
  presence: PresenceState;
  router: RouterStatus | null;
  persona:
    | (Pick<ActivePersona, 'id' | 'displayName' | 'tagline'> & {
        presence?: ActivePersona['presence'];
      })
    | null;
  model: string | null;
  ttftMs: number | null;
  tokens: number;
  tokensPerSecond: number | null;
  route: { tier: string; provider: string; rationale: string; fallbacks: string[] } | null;
  /** What memory put into the live turn's prompt. */
  memories: Array<{ id: string; content: string; privacy: string }>;
  /** Memory's background work that failed lately (extraction, summaries, embeddings), newest first. */
  memoryProblems: Array<{ turnId: string; message: string; at: number }>;
  /** Host time of the first token of the live turn, for a running tokens/s. */
  firstTokenAt: number | null;
  /** The last local prompt: its size, how much the model had read already, words said ahead. */
  prompt: { promptTokens: number; cachedTokens: number; aheadTokens: number } | null;
};

export type InspectorState = Fields & {
  set(patch: Partial<Fields>): void;
  reload(): Promise<void>;
};

const EMPTY: Fields = {
  turnState: 'idle',
  presence: 'idle',
  router: null,
  persona: null,
  model: null,
  ttftMs: null,
  tokens: 0,
  tokensPerSecond: null,
  route: null,
  memories: [],
  memoryProblems: [],
  firstTokenAt: null,
  prompt: null,
};

export function createInspectorStore(client: AetherClient) {
  return boundStore<InspectorState>(
    (set) => ({
      ...EMPTY,
      set: (patch) => set(patch),
      async reload() {
        const [turn, presence, router, persona] = await Promise.all([
          client.invoke('turn.get_state', {}),
          client.invoke('presence.get_state', {}),
          client.invoke('router.get_status', {}),
          client.invoke('persona.get_active', {}),
        ]);
        const { id, displayName, tagline } = persona;
        set({
          turnState: turn.state,
          presence: presence.state,
          router,
          model: router.model,
          persona: { id, displayName, tagline, presence: persona.presence },
        });
      },
    }),
    (get, set) => [
      client.on('turn.state_changed', (e) => set({ turnState: e.payload.state })),
      client.on('presence.state_changed', (e) => set({ presence: e.payload.state })),
      client.on('router.status_changed', (e) => set({ router: e.payload })),
      client.on('persona.activated', (e) => set({ persona: e.payload })),
      client.on('router.route_decided', (e) => set({ route: e.payload })),
      client.on('router.generation_started', (e) => set({ model: e.payload.model })),
      client.on('chat.memory_used', (e) => set({ memories: e.payload.items })),
      client.on('chat.turn_started', () =>
        set({ ttftMs: null, tokens: 0, tokensPerSecond: null, firstTokenAt: null }),
      ),
      client.on('router.first_token', (e) => set({ ttftMs: e.payload.ttftMs, firstTokenAt: e.at })),
      client.on('router.prompt_read', ({ payload: { turnId: _, ...prompt } }) => set({ prompt })),
      client.on('router.token', (e) => {
        const { firstTokenAt } = get();
        const tokens = e.payload.index + 1;
        const elapsed = firstTokenAt === null ? 0 : e.at - firstTokenAt;
        set({ tokens, tokensPerSecond: elapsed > 0 ? ((tokens - 1) * 1000) / elapsed : null });
      }),
      client.on('chat.turn_finished', ({ payload: { turn } }) => {
        if (turn.tokensPerSecond !== null)
          set({ tokensPerSecond: turn.tokensPerSecond, tokens: turn.tokens });
      }),
      client.on('memory.extraction_failed', (e) => {
        // Shown with the wall-clock time it arrived (the envelope's `at` is host-monotonic).
        const problem = { ...e.payload, at: Date.now() };
        set({ memoryProblems: [problem, ...get().memoryProblems].slice(0, 5) });
      }),
    ],
  );
}
