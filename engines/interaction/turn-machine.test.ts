import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { turnMachine, type TurnEvent } from './turn-machine.ts';

function run(events: TurnEvent[]) {
  const effects: string[] = [];
  const actor = createActor(
    turnMachine.provide({
      actions: {
        startGeneration: ({ event }) => {
          if (event.type === 'SUBMIT') effects.push(`start:${event.turnId}`);
        },
        startAction: ({ event }) => {
          if (event.type === 'SUBMIT') effects.push(`action:${event.turnId}`);
        },
        cancelGeneration: ({ context }) => {
          effects.push(`cancel:${context.turnId}`);
        },
      },
    }),
  );
  const states: string[] = [];
  actor.subscribe((s) => {
    if (states.at(-1) !== s.value) states.push(String(s.value));
  });
  actor.start();
  for (const e of events) actor.send(e);
  return { states, effects, snapshot: actor.getSnapshot() };
}

const submit = (turnId: string): TurnEvent => ({
  type: 'SUBMIT',
  turnId,
  conversationId: 'c',
  kind: 'chat',
});
const action = (turnId: string): TurnEvent => ({
  type: 'SUBMIT',
  turnId,
  conversationId: 'c',
  kind: 'action',
});

describe('turn machine', () => {
  it('goes idle → thinking → streaming → idle and starts generation once', () => {
    const r = run([
      submit('t1'),
      { type: 'FIRST_TOKEN', turnId: 't1' },
      { type: 'DONE', turnId: 't1' },
    ]);
    expect(r.states).toEqual(['idle', 'thinking', 'streaming', 'idle']);
    expect(r.effects).toEqual(['start:t1']);
  });

  it('cancels from thinking or streaming and asks the router to stop', () => {
    expect(run([submit('t1'), { type: 'CANCEL' }]).effects).toEqual(['start:t1', 'cancel:t1']);
    const r = run([submit('t1'), { type: 'FIRST_TOKEN', turnId: 't1' }, { type: 'CANCEL' }]);
    expect(r.states).toEqual(['idle', 'thinking', 'streaming', 'idle']);
    expect(r.effects).toEqual(['start:t1', 'cancel:t1']);
  });

  it('moves to error with the error kept, and a new message leaves it', () => {
    const error = { code: 'ModelNotInstalled' as const, message: 'no model' };
    const r = run([submit('t1'), { type: 'FAIL', turnId: 't1', error }]);
    expect(r.snapshot.value).toBe('error');
    expect(r.snapshot.context.error).toEqual(error);
    const again = run([submit('t1'), { type: 'FAIL', turnId: 't1', error }, submit('t2')]);
    expect(again.snapshot.value).toBe('thinking');
    expect(again.snapshot.context.error).toBeNull();
    expect(again.effects).toEqual(['start:t1', 'start:t2']);
  });

  it('ignores late events from an earlier turn', () => {
    const r = run([
      submit('t1'),
      { type: 'CANCEL' },
      submit('t2'),
      { type: 'FIRST_TOKEN', turnId: 't1' },
      { type: 'DONE', turnId: 't1' },
    ]);
    expect(r.snapshot.value).toBe('thinking');
    expect(r.snapshot.context.turnId).toBe('t2');
  });

  it('ignores a second submit while a turn runs, and stray events while idle', () => {
    const busy = run([submit('t1'), submit('t2')]);
    expect(busy.snapshot.context.turnId).toBe('t1');
    expect(busy.effects).toEqual(['start:t1']);
    const idle = run([
      { type: 'DONE', turnId: 'x' },
      { type: 'CANCEL' },
      { type: 'FIRST_TOKEN', turnId: 'x' },
    ]);
    expect(idle.states).toEqual(['idle']);
    expect(idle.effects).toEqual([]);
  });

  it('runs an action turn through an approval and starts the action once', () => {
    const r = run([
      action('a1'),
      { type: 'APPROVAL_NEEDED', turnId: 'a1' },
      { type: 'APPROVAL_RESOLVED', turnId: 'a1' },
      { type: 'DONE', turnId: 'a1' },
    ]);
    expect(r.states).toEqual([
      'idle',
      'executing_tool',
      'awaiting_approval',
      'executing_tool',
      'idle',
    ]);
    expect(r.effects).toEqual(['action:a1']);
  });

  it('cancels an action turn that waits for approval', () => {
    const r = run([
      action('a1'),
      { type: 'APPROVAL_NEEDED', turnId: 'a1' },
      { type: 'CANCEL' },
      { type: 'APPROVAL_RESOLVED', turnId: 'a1' },
    ]);
    expect(r.snapshot.value).toBe('idle');
    expect(r.effects).toEqual(['action:a1', 'cancel:a1']);
  });

  it('is a pure function of its events: the same events replay to the same states', () => {
    const events: TurnEvent[] = [
      submit('a'),
      { type: 'FIRST_TOKEN', turnId: 'a' },
      { type: 'DONE', turnId: 'a' },
      submit('b'),
      { type: 'CANCEL' },
    ];
    expect(run(events).states).toEqual(run(events).states);
  });
});
