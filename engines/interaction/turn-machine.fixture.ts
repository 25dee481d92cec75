// Drives the turn machine with its effects recorded and its work (classify, reflex) answered by
// the test: no model, no database. Waits for the invoked work to settle after each event.
import { createActor, fromPromise, waitFor, type SimulatedClock } from 'xstate';
import { turnMachine, type Classified, type TurnEvent } from './turn-machine.ts';

export type Run = {
  classify?: (turnId: string) => Classified | Promise<Classified>;
  clock?: SimulatedClock;
};

const EFFECTS = ['duck', 'unduck', 'stopSpeaking', 'truncateReply'] as const;

export function machineFor(effects: string[], o: Run = {}) {
  const record =
    (name: string) =>
    ({ context }: { context: { turnId: string | null } }) => {
      effects.push(`${name}:${context.turnId}`);
    };
  return turnMachine.provide({
    actions: {
      startGeneration: record('start'),
      startAction: record('action'),
      cancelGeneration: record('cancel'),
      ...Object.fromEntries(EFFECTS.map((e) => [e, record(e)])),
    },
    actors: {
      classify: fromPromise(async ({ input }: { input: { turnId: string } }) =>
        o.classify ? o.classify(input.turnId) : ({ kind: 'model' } as const),
      ),
      answerReflex: fromPromise(async ({ input }: { input: { turnId: string; reply: string } }) => {
        effects.push(`reflex:${input.turnId}:${input.reply}`);
      }),
    },
  });
}

export async function run(events: TurnEvent[], o: Run = {}) {
  const effects: string[] = [];
  const actor = createActor(machineFor(effects, o), o.clock ? { clock: o.clock } : {});
  const states: string[] = [];
  actor.subscribe((s) => {
    if (states.at(-1) !== s.value) states.push(String(s.value));
  });
  actor.start();
  for (const e of events) {
    actor.send(e);
    await waitFor(actor, (s) => !s.matches('classifying') && !s.matches('reflex'));
  }
  return { states, effects, actor, snapshot: actor.getSnapshot() };
}

export const submit = (turnId: string): TurnEvent => ({
  type: 'SUBMIT',
  turnId,
  conversationId: 'c',
  kind: 'chat',
});
export const action = (turnId: string): TurnEvent => ({
  type: 'SUBMIT',
  turnId,
  conversationId: 'c',
  kind: 'action',
});
