// Right column: what the live turn is doing, as the host reports it.
import { create } from 'zustand';
import type {
  ActivePersona,
  PresenceState,
  RouterStatus,
  TurnState,
} from '../../engines/bus/index.ts';

type InspectorState = {
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
  set(patch: Partial<Omit<InspectorState, 'set'>>): void;
};

export const useInspector = create<InspectorState>((set) => ({
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
  set: (patch) => set(patch),
}));
