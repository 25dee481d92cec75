// L1 interaction: the conversation commands and the one writer of turn state. This file wires the
// turn machine (xstate, turn-machine.ts) to what runs a turn (turn-runner.ts), the commands
// (handlers/chat.ts), and the events that move the machine.
import { createActor, fromPromise } from 'xstate';
import {
  DisposableSet,
  toErrorInfo,
  type Bus,
  type Engine,
  type HandlersFor,
  type TurnState,
} from '../bus/index.ts';
import { chatHandlers } from './handlers/chat.ts';
import { turnMachine } from './turn-machine.ts';
import { createTurnRunner, type RunnerDeps, type TurnRunner } from './turn-runner.ts';
import { createVoiceSession, type VoiceSession } from './voice-session.ts';
import type { SpeechSetup } from './voice.ts';

export { titleFrom } from './title.ts';

/** What the engine is built from: the turn runner's needs, less how it reports back (the machine). */
export type InteractionDeps = Omit<RunnerDeps, 'send'> & { speech?: SpeechSetup };

/** The turn machine, its work started by the runner; a failure outside the generation still ends the turn. */
function turnActor(runner: TurnRunner, voice: () => VoiceSession) {
  const actor = createActor(
    turnMachine.provide({
      actions: {
        startGeneration: ({ context }) => {
          const turnId = context.turnId;
          if (!turnId) return;
          // A failure outside the generation itself (storage, say) still ends the turn.
          runner
            .runTurn(turnId)
            .catch((error: unknown) =>
              actor.send({ type: 'FAIL', turnId, error: toErrorInfo(error) }),
            );
        },
        startAction: ({ event }) => {
          if (event.type !== 'SUBMIT') return;
          const { turnId } = event;
          runner
            .runAction(turnId)
            .catch((error: unknown) =>
              actor.send({ type: 'FAIL', turnId, error: toErrorInfo(error) }),
            );
        },
        cancelGeneration: ({ context }) => {
          if (context.turnId) runner.cancel(context.turnId);
        },
        duck: () => voice().actions.duck(),
        unduck: () => voice().actions.unduck(),
        stopSpeaking: () => voice().actions.stopSpeaking(),
        // The reply was cut to what was heard when speech stopped; the user goes on speaking.
        truncateReply: () => queueMicrotask(() => actor.send({ type: 'REPAIRED' })),
      },
      actors: {
        classify: fromPromise(({ input }: { input: { turnId: string } }) =>
          runner.classify(input.turnId),
        ),
        answerReflex: fromPromise(({ input }: { input: { turnId: string; reply: string } }) =>
          runner.answerReflex(input.turnId, input.reply),
        ),
      },
    }),
  );
  return actor;
}

type TurnActor = ReturnType<typeof turnActor>;

/**
 * The persona's prompt is read ahead when the model becomes ready and when the persona changes;
 * the memories kept in prompts follow what the user does to them.
 */
function keepPromptsReady(
  bus: Bus,
  runner: TurnRunner,
  idle: () => boolean,
  disposables: DisposableSet,
) {
  let ready = false;
  const warm = () => void (idle() && runner.warm());
  disposables.add(
    bus.on('router.status_changed', ({ payload: { state } }) => {
      const now = state === 'ready' || state === 'generating';
      if (now && !ready) warm();
      ready = now;
    }),
  );
  disposables.add(bus.on('persona.activated', () => ready && warm()));
  // A memory forgotten or edited must not stay in a prompt as it was.
  disposables.add(
    bus.on('memory.changed', ({ payload: p }) => runner.memoryChanged(p.reason, p.id)),
  );
}

/** Every change of state is an event; the events of other engines move the machine. */
function watch(bus: Bus, actor: TurnActor, runner: TurnRunner, disposables: DisposableSet): void {
  const state = () => actor.getSnapshot().value as TurnState;
  let previous = state();
  const subscription = actor.subscribe((snapshot) => {
    const next = snapshot.value as TurnState;
    if (next === previous) return;
    const { turnId, conversationId } = snapshot.context;
    const changeId = turnId ? runner.changeOf.get(turnId) : undefined;
    bus.emit(
      'turn.state_changed',
      { turnId, conversationId, state: next, previous },
      { source: 'interaction', changeId, ...(turnId ? { turnId } : {}) },
    );
    previous = next;
  });
  disposables.add({ dispose: () => subscription.unsubscribe() });
  disposables.add(
    bus.on('router.first_token', (e) =>
      actor.send({ type: 'FIRST_TOKEN', turnId: e.payload.turnId }),
    ),
  );
  disposables.add(
    bus.on('router.tool_call', (e) => {
      const { turnId, status } = e.payload;
      actor.send(
        status === 'proposed'
          ? { type: 'TOOL_STARTED', turnId }
          : { type: 'TOOL_FINISHED', turnId },
      );
    }),
  );
  disposables.add(
    bus.on('policy.approval_pending', (e) => {
      if (e.turnId) actor.send({ type: 'APPROVAL_NEEDED', turnId: e.turnId });
    }),
  );
  disposables.add(
    bus.on('policy.approval_resolved', (e) => {
      if (e.turnId) actor.send({ type: 'APPROVAL_RESOLVED', turnId: e.turnId });
    }),
  );
}

export function createInteractionEngine(deps: InteractionDeps) {
  const { bus } = deps;
  const disposables = new DisposableSet();
  const runner: TurnRunner = createTurnRunner({ ...deps, send: (event) => actor.send(event) });
  const actor = turnActor(runner, () => voice);
  const state = () => actor.getSnapshot().value as TurnState;
  const machine = {
    state,
    turnId: () => actor.getSnapshot().context.turnId,
    conversationId: () => actor.getSnapshot().context.conversationId,
    // Listening is not busy: typed words (or the final transcript) become the turn.
    busy: () => !['idle', 'error', 'listening', 'transcribing'].includes(state()),
    send: (event: Parameters<typeof actor.send>[0]) => actor.send(event),
  };
  const handlers = chatHandlers({
    bus,
    conversations: deps.conversations,
    clock: deps.clock,
    newId: deps.newId,
    runner,
    machine,
  }) satisfies HandlersFor<'chat'> & HandlersFor<'turn'>;
  const voice = createVoiceSession({
    bus,
    clock: deps.clock,
    speech: deps.speech,
    runner,
    machine,
  });

  const engine = {
    start(): void {
      deps.conversations.markInterrupted(deps.clock.now());
      disposables.add(bus.handleAll({ ...handlers, ...voice.handlers }));
      disposables.addFn(() => voice.dispose());
      watch(bus, actor, runner, disposables);
      keepPromptsReady(bus, runner, () => !machine.busy(), disposables);
      voice.listen(disposables);
      actor.start();
      disposables.addFn(() => actor.stop());
    },
    dispose: () => disposables.dispose(),
    state,
    /** A binary audio frame from the transport (16 kHz mono int16); throws a typed error. */
    audio: (frame: Uint8Array) => voice.audio(frame),
    /** Spoken pieces of replies, as binary frames for the pages; returns the unsubscribe. */
    onSpeech: (listener: (frame: Uint8Array) => void) => voice.onSpeech(listener),
    health: () => ({ state: 'ok' as const, detail: `turn ${state()}` }),
  } satisfies Engine & Record<string, unknown>;
  return engine;
}

export type InteractionEngine = ReturnType<typeof createInteractionEngine>;
