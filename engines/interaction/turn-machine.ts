// The turn state machine. Transitions are a pure function of (state, event); the engine supplies
// the effects through `machine.provide`, so tests check transitions with no model or database.
// A turn is either a chat turn (the model answers) or an action turn (a slash command that goes
// through the policy gate, possibly waiting for the user's approval).
import { assign, setup } from 'xstate';
import type { ErrorInfo } from '../bus/index.ts';

export type TurnContext = {
  /** The current turn, or the last one once the machine is back to idle. */
  turnId: string | null;
  conversationId: string | null;
  error: ErrorInfo | null;
};

export type TurnEvent =
  | { type: 'SUBMIT'; turnId: string; conversationId: string; kind: 'chat' | 'action' }
  | { type: 'FIRST_TOKEN'; turnId: string }
  | { type: 'TOOL_STARTED'; turnId: string }
  | { type: 'TOOL_FINISHED'; turnId: string }
  | { type: 'APPROVAL_NEEDED'; turnId: string }
  | { type: 'APPROVAL_RESOLVED'; turnId: string }
  | { type: 'DONE'; turnId: string }
  | { type: 'FAIL'; turnId: string; error: ErrorInfo }
  | { type: 'CANCEL' }
  | { type: 'RESET' };

const ends = {
  DONE: { guard: 'isCurrentTurn', target: 'idle' },
  FAIL: { guard: 'isCurrentTurn', target: 'error', actions: 'assignError' },
  CANCEL: { target: 'idle', actions: 'cancelGeneration' },
} as const;

// The turn's work starts on the way in, so coming back to a state never starts it twice.
const submit = [
  { guard: 'isAction', target: 'executing_tool', actions: ['assignTurn', 'startAction'] },
  { target: 'thinking', actions: ['assignTurn', 'startGeneration'] },
] as const;

export const turnMachine = setup({
  types: { context: {} as TurnContext, events: {} as TurnEvent },
  actions: {
    // Effects, replaced by the engine: start the turn's work, ask it to stop.
    startGeneration: () => {},
    startAction: () => {},
    cancelGeneration: () => {},
    assignTurn: assign(({ event }) => {
      if (event.type !== 'SUBMIT') return {};
      return { turnId: event.turnId, conversationId: event.conversationId, error: null };
    }),
    assignError: assign(({ event }) => (event.type === 'FAIL' ? { error: event.error } : {})),
  },
  guards: {
    // Late events from a cancelled or earlier turn must not move the current one.
    isCurrentTurn: ({ context, event }) => 'turnId' in event && event.turnId === context.turnId,
    isAction: ({ event }) => event.type === 'SUBMIT' && event.kind === 'action',
  },
}).createMachine({
  id: 'turn',
  initial: 'idle',
  context: { turnId: null, conversationId: null, error: null },
  states: {
    idle: { on: { SUBMIT: submit } },
    thinking: {
      on: {
        FIRST_TOKEN: { guard: 'isCurrentTurn', target: 'streaming' },
        TOOL_STARTED: { guard: 'isCurrentTurn', target: 'executing_tool' },
        ...ends,
      },
    },
    streaming: {
      on: { TOOL_STARTED: { guard: 'isCurrentTurn', target: 'executing_tool' }, ...ends },
    },
    executing_tool: {
      on: {
        APPROVAL_NEEDED: { guard: 'isCurrentTurn', target: 'awaiting_approval' },
        // In a chat turn the model goes on thinking with the tool's result.
        TOOL_FINISHED: { guard: 'isCurrentTurn', target: 'thinking' },
        ...ends,
      },
    },
    awaiting_approval: {
      on: { APPROVAL_RESOLVED: { guard: 'isCurrentTurn', target: 'executing_tool' }, ...ends },
    },
    error: { on: { SUBMIT: submit, RESET: { target: 'idle' } } },
  },
});
