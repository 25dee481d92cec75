// The turn machine's text turns: classify, then the model or a reflex; action turns through
// the policy gate. Voice states: turn-machine-voice.test.ts.
import { describe, expect, it } from 'vitest';
import type { TurnEvent } from './turn-machine.ts';
import { action, run, submit } from './turn-machine.fixture.ts';

describe('turn machine', () => {
  it('goes idle → thinking → streaming → idle and starts generation once', async () => {
    const r = await run([
      submit('t1'),
      { type: 'FIRST_TOKEN', turnId: 't1' },
      { type: 'DONE', turnId: 't1' },
    ]);
    expect(r.states).toEqual(['idle', 'classifying', 'thinking', 'streaming', 'idle']);
    expect(r.effects).toEqual(['start:t1']);
  });

  it('cancels from thinking or streaming and asks the router to stop', async () => {
    expect((await run([submit('t1'), { type: 'CANCEL' }])).effects).toEqual([
      'start:t1',
      'cancel:t1',
    ]);
    const r = await run([submit('t1'), { type: 'FIRST_TOKEN', turnId: 't1' }, { type: 'CANCEL' }]);
    expect(r.states).toEqual(['idle', 'classifying', 'thinking', 'streaming', 'idle']);
    expect(r.effects).toEqual(['start:t1', 'cancel:t1']);
  });

  it('moves to error with the error kept, and a new message leaves it', async () => {
    const error = { code: 'ModelNotInstalled' as const, message: 'no model' };
    const r = await run([submit('t1'), { type: 'FAIL', turnId: 't1', error }]);
    expect(r.snapshot.value).toBe('error');
    expect(r.snapshot.context.error).toEqual(error);
    const again = await run([submit('t1'), { type: 'FAIL', turnId: 't1', error }, submit('t2')]);
    expect(again.snapshot.value).toBe('thinking');
    expect(again.snapshot.context.error).toBeNull();
    expect(again.effects).toEqual(['start:t1', 'start:t2']);
  });

  it('ignores late events from an earlier turn', async () => {
    const r = await run([
      submit('t1'),
      { type: 'CANCEL' },
      submit('t2'),
      { type: 'FIRST_TOKEN', turnId: 't1' },
      { type: 'DONE', turnId: 't1' },
    ]);
    expect(r.snapshot.value).toBe('thinking');
    expect(r.snapshot.context.turnId).toBe('t2');
  });

  it('ignores a second submit while a turn runs, and stray events while idle', async () => {
    const busy = await run([submit('t1'), submit('t2')]);
    expect(busy.snapshot.context.turnId).toBe('t1');
    expect(busy.effects).toEqual(['start:t1']);
    const idle = await run([
      { type: 'DONE', turnId: 'x' },
      { type: 'CANCEL' },
      { type: 'FIRST_TOKEN', turnId: 'x' },
    ]);
    expect(idle.states).toEqual(['idle']);
    expect(idle.effects).toEqual([]);
  });

  it('runs an action turn through an approval and starts the action once', async () => {
    const r = await run([
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

  it('cancels an action turn that waits for approval', async () => {
    const r = await run([
      action('a1'),
      { type: 'APPROVAL_NEEDED', turnId: 'a1' },
      { type: 'CANCEL' },
      { type: 'APPROVAL_RESOLVED', turnId: 'a1' },
    ]);
    expect(r.snapshot.value).toBe('idle');
    expect(r.effects).toEqual(['action:a1', 'cancel:a1']);
  });

  it('is a pure function of its events: the same events replay to the same states', async () => {
    const events: TurnEvent[] = [
      submit('a'),
      { type: 'FIRST_TOKEN', turnId: 'a' },
      { type: 'DONE', turnId: 'a' },
      submit('b'),
      { type: 'CANCEL' },
    ];
    expect((await run(events)).states).toEqual((await run(events)).states);
  });

  it('answers a reflex without the model, and a failed classification falls back to it', async () => {
    const reflex = await run([submit('r1')], {
      classify: () => ({ kind: 'reflex', reply: 'Hello!' }),
    });
    expect(reflex.states).toEqual(['idle', 'classifying', 'reflex', 'idle']);
    expect(reflex.effects).toEqual(['reflex:r1:Hello!']);
    const broken = await run([submit('r2')], {
      classify: () => {
        throw new Error('no persona');
      },
    });
    expect(broken.snapshot.value).toBe('thinking');
    expect(broken.effects).toEqual(['start:r2']);
  });

  it('a turn stopped while classifying starts its generation already cancelled', async () => {
    let release!: (c: { kind: 'model' }) => void;
    const slow = new Promise<{ kind: 'model' }>((r) => (release = r));
    const effects: string[] = [];
    const { createActor } = await import('xstate');
    const { machineFor } = await import('./turn-machine.fixture.ts');
    const actor = createActor(machineFor(effects, { classify: () => slow })).start();
    actor.send(submit('s1'));
    expect(actor.getSnapshot().value).toBe('classifying');
    actor.send({ type: 'CANCEL' });
    expect(actor.getSnapshot().value).toBe('thinking');
    expect(effects).toEqual(['start:s1', 'cancel:s1']);
    release({ kind: 'model' });
    await slow;
    // The classification that arrives late moves nothing: its actor stopped with the state.
    expect(actor.getSnapshot().value).toBe('thinking');
    expect(effects).toEqual(['start:s1', 'cancel:s1']);
  });
});
