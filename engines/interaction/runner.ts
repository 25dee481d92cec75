// The turn runner's dependencies and state, shared by its parts.
import type { Bus, Clock, ErrorInfo, MemoryHit, NewId } from '../bus/index.ts';
import type { ConversationStore } from '../storage/index.ts';
import type { Recalled } from './recalled.ts';
import type { SlashAction } from './slash.ts';

export type RunnerDeps = {
  bus: Bus;
  conversations: ConversationStore;
  clock: Clock;
  newId: NewId;
  maxTokens?: number;
  /** How many earlier turns of the conversation go into the prompt. */
  historyTurns?: number;
  /** Tells the turn machine how the turn ended. */
  send: (
    event: { type: 'DONE'; turnId: string } | { type: 'FAIL'; turnId: string; error: ErrorInfo },
  ) => void;
};

/** The runner's state: which change each turn belongs to, what was cancelled, pending actions. */
export type Runner = {
  deps: RunnerDeps;
  changeOf: Map<string, string>;
  /** How many reflex replies so far: the persona's phrases rotate with it. */
  reflexCount: number;
  cancelled: Set<string>;
  actions: Map<string, SlashAction>;
  /** Replies interrupted while spoken: what was heard, which is what the turn keeps. */
  cuts: Map<string, string>;
  /** Per conversation, the words last read ahead and what memory offered for them. */
  preloaded: Map<string, { text: string; hits: MemoryHit[]; at: number }>;
  /** What memory offered each turn, kept in the prompt at that turn's place. */
  recalled: Recalled;
};
