// The turn state machine. Transitions are a pure function of (state, event); the engine supplies
// the effects through `machine.provide`, so tests check transitions with no model or database.
import { assign, setup } from 'xstate';
import type { ErrorInfo } from '../bus/index.ts';

export type TurnContext = {
  /** The current turn, or the last one once the machine is back to idle. */
  turnId: string | null;
  conversationId: string | null;
  error: ErrorInfo | null;
};

export type TurnEvent =
  | { type: 'SUBMIT'; turnId: string; conversationId: string }
  | { type: 'FIRST_TOKEN'; turnId: string }
  | { type: 'DONE'; turnId: string }
  | { type: 'FAIL'; turnId: string; error: ErrorInfo }
  | { type: 'CANCEL' }
  | { type: 'RESET' };

export const turnMachine = setup({
  types: { context: {} as TurnContext, events: {} as TurnEvent },
  actions: {
    // Effects, replaced by the engine: start the router, ask it to stop.
    startGeneration: () => {},
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
  },
}).createMachine({
  id: 'turn',
  initial: 'idle',
  context: { turnId: null, conversationId: null, error: null },
  states: {
    idle: {
      on: { SUBMIT: { target: 'thinking', actions: 'assignTurn' } },
    },
    thinking: {
      entry: 'startGeneration',
      on: {
        FIRST_TOKEN: { guard: 'isCurrentTurn', target: 'streaming' },
        DONE: { guard: 'isCurrentTurn', target: 'idle' },
        FAIL: { guard: 'isCurrentTurn', target: 'error', actions: 'assignError' },
        CANCEL: { target: 'idle', actions: 'cancelGeneration' },
      },
    },
    streaming: {
      on: {
        DONE: { guard: 'isCurrentTurn', target: 'idle' },
        FAIL: { guard: 'isCurrentTurn', target: 'error', actions: 'assignError' },
        CANCEL: { target: 'idle', actions: 'cancelGeneration' },
      },
    },
    error: {
      on: {
        SUBMIT: { target: 'thinking', actions: 'assignTurn' },
        RESET: { target: 'idle' },
      },
    },
  },
});
