// The turn machine's voice states: listening and transcribing, speaking the reply, barge-in
// (duck, then stop or resume) and repair. Timers run on xstate's simulated clock; a recorded
// event log replays through the pure transition function to the same states.
import { describe, expect, it } from 'vitest';
import { initialTransition, SimulatedClock, transition } from 'xstate';
import { BARGE_IN_CONFIRM_MS, TRANSCRIBE_TIMEOUT_MS, type TurnEvent } from './turn-machine.ts';
import { machineFor, run, submit } from './turn-machine.fixture.ts';

const speaking: TurnEvent[] = [
  submit('t1'),
  { type: 'FIRST_TOKEN', turnId: 't1' },
  { type: 'SPEAK_STARTED', turnId: 't1' },
];

/** A spoken turn up to its streaming reply. */
const SPOKEN_TURN = ['idle', 'listening', 'transcribing', 'classifying', 'thinking', 'streaming'];

describe('turn machine, voice', () => {
  it('listens, transcribes, and turns the final words into a turn; silence goes back to idle', async () => {
    const r = await run([
      { type: 'LISTEN_STARTED' },
      { type: 'SPEECH_ENDED' },
      submit('v1'),
      { type: 'FIRST_TOKEN', turnId: 'v1' },
      { type: 'DONE', turnId: 'v1' },
    ]);
    expect(r.states).toEqual([...SPOKEN_TURN, 'idle']);
    const quiet = await run([
      { type: 'LISTEN_STARTED' },
      { type: 'SPEECH_ENDED' },
      { type: 'NOTHING_HEARD' },
    ]);
    expect(quiet.snapshot.value).toBe('idle');
  });

  it('gives up on a recogniser that never finishes, with a typed error', async () => {
    const clock = new SimulatedClock();
    const r = await run([{ type: 'LISTEN_STARTED' }, { type: 'SPEECH_ENDED' }], { clock });
    clock.increment(TRANSCRIBE_TIMEOUT_MS - 1);
    expect(r.actor.getSnapshot().value).toBe('transcribing');
    clock.increment(1);
    expect(r.actor.getSnapshot().value).toBe('error');
    expect(r.actor.getSnapshot().context.error?.code).toBe('SpeechFailed');
  });

  it('ends a spoken reply when both the words and the audio are done, in either order', async () => {
    const audioLast = await run([
      ...speaking,
      { type: 'DONE', turnId: 't1' },
      { type: 'SPEAK_FINISHED' },
    ]);
    expect(audioLast.states.slice(-2)).toEqual(['speaking', 'idle']);
    const wordsLast = await run([...speaking, { type: 'SPEAK_FINISHED' }]);
    expect(wordsLast.snapshot.value).toBe('streaming');
  });

  it('ducks at once on speech over the reply, and resumes if it is not confirmed in time', async () => {
    const clock = new SimulatedClock();
    const r = await run([...speaking, { type: 'USER_SPEECH' }], { clock });
    expect(r.snapshot.value).toBe('barged_in');
    expect(r.effects).toContain('duck:t1');
    clock.increment(BARGE_IN_CONFIRM_MS - 1);
    expect(r.actor.getSnapshot().value).toBe('barged_in');
    clock.increment(1);
    expect(r.actor.getSnapshot().value).toBe('speaking');
    expect(r.effects.at(-1)).toBe('unduck:t1');
    expect(r.effects).not.toContain('cancel:t1');
  });

  it('stops, cancels and cuts the reply once the barge-in is confirmed, then listens', async () => {
    const clock = new SimulatedClock();
    const r = await run(
      [...speaking, { type: 'USER_SPEECH' }, { type: 'BARGE_CONFIRMED' }, { type: 'REPAIRED' }],
      { clock },
    );
    expect(r.states.slice(-4)).toEqual(['speaking', 'barged_in', 'repairing', 'listening']);
    expect(r.effects.slice(1)).toEqual([
      'duck:t1',
      'stopSpeaking:t1',
      'cancel:t1',
      'truncateReply:t1',
    ]);
    // The confirmation timer left with its state: nothing resumes later.
    clock.increment(BARGE_IN_CONFIRM_MS * 2);
    expect(r.actor.getSnapshot().value).toBe('listening');
  });

  it('replays a recorded event log, with its work done events, to the same states', () => {
    const done = (output: unknown) =>
      ({ type: 'xstate.done.actor.classify', output }) as unknown as TurnEvent;
    const log: TurnEvent[] = [
      { type: 'LISTEN_STARTED' },
      { type: 'SPEECH_ENDED' },
      submit('a'),
      done({ kind: 'model' }),
      { type: 'FIRST_TOKEN', turnId: 'a' },
      { type: 'SPEAK_STARTED', turnId: 'a' },
      { type: 'USER_SPEECH' },
      { type: 'BARGE_CONFIRMED' },
      { type: 'REPAIRED' },
    ];
    const effects: string[] = [];
    const replay = () => {
      const machine = machineFor(effects);
      let [snapshot] = initialTransition(machine);
      const states = [String(snapshot.value)];
      for (const event of log) {
        [snapshot] = transition(machine, snapshot, event);
        states.push(String(snapshot.value));
      }
      return states;
    };
    const expected = [...SPOKEN_TURN, 'speaking', 'barged_in', 'repairing', 'listening'];
    expect(replay()).toEqual(expected);
    expect(replay()).toEqual(replay());
    // Pure: the effects are returned, not run (no generation started, nothing ducked).
    expect(effects).toEqual([]);
  });
});
