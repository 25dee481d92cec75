// The turn state machine of ARCHITECTURE §5. Transitions are a pure function of (state, event);
// the engine supplies the effects (`actions`) and the work (`actors`) through `machine.provide`,
// so tests check transitions with no model or database. Work runs as invoked actors, so leaving
// a state stops it; timers are `after` delays (tested on a simulated clock).
// A turn is a chat turn (classified: a reflex reply, or the model) or an action turn (a slash
// command through the policy gate). The voice states are driven by the speech pipeline: listening
// → transcribing → (the final words become a turn) → … → speaking, with barge-in and repair.
import { assign, fromPromise, setup } from 'xstate';
import type { ErrorInfo } from '../bus/index.ts';
import type { TurnEvent } from './turn-events.ts';

export type { TurnEvent } from './turn-events.ts';

export type TurnContext = {
  /** The current turn, or the last one once the machine is back to idle. */
  turnId: string | null;
  conversationId: string | null;
  error: ErrorInfo | null;
  /** What a reflex answers (set by classifying). */
  reply: string | null;
  /** The generation ended while its speech still plays. */
  generated: boolean;
};

export type Classified = { kind: 'reflex'; reply: string } | { kind: 'model' };

/** How long a barge-in may go unconfirmed before the reply resumes (a cough, a false start). */
export const BARGE_IN_CONFIRM_MS = 1500;
/** How long the recogniser may take for the final words before the turn gives up. */
export const TRANSCRIBE_TIMEOUT_MS = 10_000;

const ends = {
  DONE: { guard: 'isCurrentTurn', target: 'idle' },
  FAIL: { guard: 'isCurrentTurn', target: 'error', actions: 'assignError' },
  CANCEL: { target: 'idle', actions: 'cancelGeneration' },
} as const;

// A turn's work starts on the way in, so coming back to a state never starts it twice.
const submit = [
  { guard: 'isAction', target: 'executing_tool', actions: ['assignTurn', 'startAction'] },
  { target: 'classifying', actions: 'assignTurn' },
] as const;

export const turnMachine = setup({
  types: { context: {} as TurnContext, events: {} as TurnEvent },
  actions: {
    // Effects, replaced by the engine.
    startGeneration: () => {},
    startAction: () => {},
    cancelGeneration: () => {},
    duck: () => {},
    unduck: () => {},
    stopSpeaking: () => {},
    truncateReply: () => {},
    assignTurn: assign(({ event }) => {
      if (event.type !== 'SUBMIT') return {};
      const { turnId, conversationId } = event;
      return { turnId, conversationId, error: null, reply: null, generated: false };
    }),
    assignError: assign(({ event }) => (event.type === 'FAIL' ? { error: event.error } : {})),
    assignTranscribeTimeout: assign({
      error: { code: 'SpeechFailed', message: 'the words could not be recognised in time' },
    }),
    assignGenerated: assign({ generated: true }),
  },
  actors: {
    // Work, replaced by the engine: what the words need, and saying a reflex reply.
    classify: fromPromise<Classified, { turnId: string }>(async () => ({ kind: 'model' })),
    answerReflex: fromPromise<void, { turnId: string; reply: string }>(async () => {}),
  },
  guards: {
    // Late events from a cancelled or earlier turn must not move the current one.
    isCurrentTurn: ({ context, event }) => 'turnId' in event && event.turnId === context.turnId,
    isAction: ({ event }) => event.type === 'SUBMIT' && event.kind === 'action',
    isGenerated: ({ context }) => context.generated,
  },
  delays: { bargeInConfirm: BARGE_IN_CONFIRM_MS, transcribeTimeout: TRANSCRIBE_TIMEOUT_MS },
}).createMachine({
  id: 'turn',
  initial: 'idle',
  context: { turnId: null, conversationId: null, error: null, reply: null, generated: false },
  states: {
    idle: { on: { SUBMIT: submit, LISTEN_STARTED: 'listening' } },
    listening: {
      on: { SPEECH_ENDED: 'transcribing', LISTEN_STOPPED: 'idle', SUBMIT: submit },
    },
    transcribing: {
      on: { SUBMIT: submit, NOTHING_HEARD: 'idle', LISTEN_STOPPED: 'idle' },
      after: { transcribeTimeout: { target: 'error', actions: 'assignTranscribeTimeout' } },
    },
    classifying: {
      invoke: {
        id: 'classify',
        src: 'classify',
        input: ({ context }) => ({ turnId: context.turnId! }),
        onDone: [
          {
            guard: ({ event }) => event.output.kind === 'reflex',
            target: 'reflex',
            actions: assign({
              reply: ({ event }) => (event.output.kind === 'reflex' ? event.output.reply : null),
            }),
          },
          { target: 'thinking', actions: 'startGeneration' },
        ],
        // Classification is only a shortcut: when it fails, the model answers.
        onError: { target: 'thinking', actions: 'startGeneration' },
      },
      // Stopped while classifying: the generation starts already cancelled and ends as stopped.
      on: { CANCEL: { target: 'thinking', actions: ['startGeneration', 'cancelGeneration'] } },
    },
    reflex: {
      // A spoken reflex reply: the machine stays in speaking until its audio has played.
      on: {
        SPEAK_STARTED: { guard: 'isCurrentTurn', target: 'speaking', actions: 'assignGenerated' },
      },
      invoke: {
        id: 'answerReflex',
        src: 'answerReflex',
        input: ({ context }) => ({ turnId: context.turnId!, reply: context.reply ?? '' }),
        onDone: 'idle',
        onError: {
          target: 'error',
          actions: assign({
            error: ({ event }) => ({
              code: 'Internal' as const,
              message: (event.error as Error | undefined)?.message ?? 'the reply failed',
            }),
          }),
        },
      },
    },
    thinking: {
      on: {
        FIRST_TOKEN: { guard: 'isCurrentTurn', target: 'streaming' },
        TOOL_STARTED: { guard: 'isCurrentTurn', target: 'executing_tool' },
        ...ends,
      },
    },
    streaming: {
      on: {
        TOOL_STARTED: { guard: 'isCurrentTurn', target: 'executing_tool' },
        SPEAK_STARTED: { guard: 'isCurrentTurn', target: 'speaking' },
        ...ends,
      },
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
    speaking: {
      on: {
        DONE: { guard: 'isCurrentTurn', actions: 'assignGenerated' },
        SPEAK_FINISHED: [{ guard: 'isGenerated', target: 'idle' }, { target: 'streaming' }],
        // Speech over the reply: duck at once, stop only once it is clearly speech.
        USER_SPEECH: { target: 'barged_in', actions: 'duck' },
        FAIL: ends.FAIL,
        CANCEL: { target: 'idle', actions: ['stopSpeaking', 'cancelGeneration'] },
      },
    },
    barged_in: {
      on: {
        DONE: { guard: 'isCurrentTurn', actions: 'assignGenerated' },
        BARGE_CONFIRMED: { target: 'repairing', actions: ['stopSpeaking', 'cancelGeneration'] },
        CANCEL: { target: 'idle', actions: ['stopSpeaking', 'cancelGeneration'] },
      },
      // Not confirmed in time: it was not the user taking the turn; the reply goes on.
      after: { bargeInConfirm: { target: 'speaking', actions: 'unduck' } },
    },
    repairing: {
      // The reply is cut to what was heard; the user goes on speaking.
      entry: 'truncateReply',
      on: { REPAIRED: 'listening', FAIL: ends.FAIL },
    },
    error: { on: { SUBMIT: submit, LISTEN_STARTED: 'listening', RESET: { target: 'idle' } } },
  },
});
