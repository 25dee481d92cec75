// L3's behaviour frames, from a recorded input log or a running engine on a manual clock:
// priority takeover and hand-back with a crossfade, blink statistics for a seeded source, gaze per
// state, lip sync on the page's playback clock, reduced motion, replay, rates, and dispose.
import { describe, expect, it } from 'vitest';
import { createBus, type TurnState } from '../bus/index.ts';
import { manualClock } from '../host/testing.ts';
import { frameAt, FADE_MS } from './compose.ts';
import { DEFAULT_INPUTS, type InputChange, type SpeechTrack } from './inputs.ts';
import { createPresenceEngine } from './presence-engine.ts';
import { BLINK_MS } from './schedule.ts';
import { toneOf } from './tone.ts';

const base = (set: InputChange['set'] = {}): InputChange => ({
  at: -Infinity,
  set: { ...DEFAULT_INPUTS, ...set },
});
const turn = (at: number, state: TurnState): InputChange => ({ at, set: { turn: state } });
const frames = (log: InputChange[], from: number, to: number, step = 1000 / 60) => {
  const out = [];
  for (let t = from; t < to; t += step) out.push(frameAt(log, t));
  return out;
};

describe('presence frames', () => {
  it('a higher layer takes over and hands back with a crossfade, never a jump', () => {
    const still = { reducedMotion: true, look: { ...DEFAULT_INPUTS.look, blinkPerMinute: 0 } };
    const log = [
      base(still),
      turn(1000, 'thinking'),
      turn(2000, 'awaiting_approval'),
      turn(3000, 'thinking'),
    ];
    expect(frameAt(log, 900).layer).toBe('idle');
    expect(frameAt(log, 1500)).toMatchObject({ layer: 'thinking', gaze: { x: -0.55, y: 0.4 } });
    expect(frameAt(log, 2500)).toMatchObject({ layer: 'safety', gaze: { x: 0, y: 0 } });
    // Halfway through the takeover the eyes are between the two layers' targets.
    const mid = frameAt(log, 2000 + FADE_MS / 2).gaze.x;
    expect(mid).toBeGreaterThan(-0.55);
    expect(mid).toBeLessThan(0);
    expect(frameAt(log, 3000 + FADE_MS)).toMatchObject({ layer: 'thinking' });
    // At 60 fps no frame moves the eyes or brows more than a small step.
    const run = frames(log, 0, 4000);
    for (let i = 1; i < run.length; i++) {
      expect(Math.abs(run[i].gaze.x - run[i - 1].gaze.x)).toBeLessThan(0.1);
      expect(Math.abs(run[i].brows.furrow - run[i - 1].brows.furrow)).toBeLessThan(0.1);
    }
  });

  it('orders layers: safety over degraded over barge-in over speaking over thinking', () => {
    const at = (set: InputChange['set']) => frameAt([base(set)], 10).layer;
    expect(at({ turn: 'awaiting_approval', degraded: true })).toBe('safety');
    expect(at({ turn: 'barged_in', degraded: true })).toBe('degraded');
    expect(at({ turn: 'barged_in' })).toBe('barge_in');
    expect(at({ turn: 'repairing' })).toBe('repair');
    expect(at({ turn: 'streaming' })).toBe('speaking');
    expect(at({ turn: 'transcribing' })).toBe('acknowledging');
    expect(at({ turn: 'thinking' })).toBe('thinking');
    expect(at({ turn: 'idle', userSpeaking: true })).toBe('listening');
    expect(at({ turn: 'idle' })).toBe('idle');
  });

  it('blinks at the persona rate, at random intervals that a seed repeats', () => {
    const blinksOf = (seed: number, perMinute: number) => {
      const log = [base({ seed, look: { ...DEFAULT_INPUTS.look, blinkPerMinute: perMinute } })];
      const starts: number[] = [];
      let shut = false;
      for (let t = 0; t < 600_000; t += 10) {
        const closed = frameAt(log, t).eyelids.left >= 0.99;
        if (closed && !shut) starts.push(t);
        shut = closed;
      }
      return starts;
    };
    const a = blinksOf(7, 14);
    expect(a.length).toBeGreaterThan(14 * 10 * 0.8);
    expect(a.length).toBeLessThan(14 * 10 * 1.2);
    const gaps = a.slice(1).map((t, i) => t - a[i]);
    const mean = 60_000 / 14;
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(mean * 0.4 - BLINK_MS);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(mean * 1.6 + BLINK_MS);
    expect(new Set(gaps.map((g) => Math.round(g / 100))).size).toBeGreaterThan(10);
    expect(blinksOf(7, 14)).toEqual(a);
    expect(blinksOf(8, 14)).not.toEqual(a);
    expect(blinksOf(7, 0)).toEqual([]);
  });

  it('looks at the user while listening and speaking, aside while thinking', () => {
    const gazeOf = (state: TurnState) => {
      const log = [base({ turn: state })];
      return frames(log, 1000, 11_000, 50).map((f) => f.gaze);
    };
    for (const g of gazeOf('listening')) expect(Math.hypot(g.x, g.y)).toBeLessThan(0.1);
    for (const g of gazeOf('speaking')) expect(Math.hypot(g.x, g.y)).toBeLessThan(0.1);
    for (const g of gazeOf('thinking')) expect(g.x).toBeLessThan(-0.25);
    // Resting, the eyes wander (saccades), and the expression is neutral.
    expect(new Set(gazeOf('idle').map((g) => g.x.toFixed(3))).size).toBeGreaterThan(2);
    expect(frameAt([base()], 500).expression.neutral).toBe(1);
  });

  const track = (playback: SpeechTrack['playback']): SpeechTrack => ({
    turnId: 't1',
    // Loud from 200 to 600 ms, silent around it.
    pieces: [
      {
        startMs: 0,
        durationMs: 1000,
        envelope: Array.from({ length: 50 }, (_, i) => (i >= 10 && i < 30 ? 0.3 : 0)),
        text: 'Hello there',
      },
    ],
    playback,
  });

  it('moves the mouth with the speech on the page playback clock, not its arrival', () => {
    const log = [
      base({ turn: 'speaking' }),
      { at: 100, set: { speech: track(null) } },
      // The page reported 0 ms played at host time 5000: playback began then.
      { at: 5000, set: { speech: track({ heardMs: 0, at: 5000, ended: false }) } },
    ];
    expect(frameAt(log, 2000).mouth.viseme).toBe('closed'); // arrived, not yet playing
    expect(frameAt(log, 5100).mouth).toEqual({ viseme: 'closed', open: 0 });
    const talking = frameAt(log, 5300).mouth;
    expect(['ee', 'oh', 'aa']).toContain(talking.viseme); // the vowels of "Hello there"
    expect(talking.open).toBeGreaterThan(0.5);
    expect(frameAt(log, 5700).mouth.viseme).toBe('closed');
    // A later report moves the clock: 100 ms behind what was expected.
    const late = [
      ...log,
      { at: 5400, set: { speech: track({ heardMs: 300, at: 5400, ended: false }) } },
    ];
    expect(frameAt(late, 5690).mouth.viseme).not.toBe('closed');
    expect(frameAt(late, 5710).mouth.viseme).toBe('closed');
  });

  it("shows the reply's tone while speaking, where the persona lets it", () => {
    const happy = (expressive: boolean) =>
      frameAt(
        [base({ turn: 'streaming', tone: 'happy', look: { ...DEFAULT_INPUTS.look, expressive } })],
        500,
      ).expression.happy;
    const plain = frameAt([base({ turn: 'streaming' })], 500).expression.happy;
    expect(happy(true)).toBeGreaterThan(plain + 0.3);
    expect(happy(false)).toBe(plain);
    expect(toneOf('I am so glad you asked!')).toBe('happy');
    expect(toneOf("Sorry, I can't open that file.")).toBe('concerned');
    expect(toneOf('The file has three lines.')).toBeNull();
    // Not while listening: the tone belongs to what it says.
    expect(
      frameAt([base({ turn: 'listening', tone: 'happy' })], 500).expression.happy,
    ).toBeLessThan(0.3);
  });

  it('with replies spoken, keeps the mouth shut until their sound plays', () => {
    const log = [base({ turn: 'streaming', voiceOut: true })];
    expect(frameAt(log, 500).mouth.viseme).toBe('closed'); // text streams, nothing heard yet
    const arrived = [...log, { at: 600, set: { speech: track(null) } }];
    expect(frameAt(arrived, 900).mouth.viseme).toBe('closed'); // a piece came, not played yet
    const playing = [
      ...arrived,
      { at: 1000, set: { speech: track({ heardMs: 0, at: 1000, ended: false }) } },
    ];
    expect(frameAt(playing, 1300).mouth.viseme).not.toBe('closed');
  });

  it('talks while a text-only reply streams, and is quiet otherwise', () => {
    const shapes = frames([base({ turn: 'streaming' })], 0, 2000, 50).map((f) => f.mouth.viseme);
    expect(new Set(shapes).size).toBeGreaterThan(2);
    expect(frameAt([base({ turn: 'listening' })], 500).mouth.viseme).toBe('closed');
  });

  it('with reduced motion keeps blinks and lip sync and drops idle motion and head movement', () => {
    const moving = frames([base({ turn: 'listening' })], 0, 20_000, 100);
    const still = frames([base({ turn: 'listening', reducedMotion: true })], 0, 20_000, 100);
    expect(moving.some((f) => Math.abs(f.head.yaw) > 0.1)).toBe(true);
    expect(moving.some((f) => Math.abs(f.breathing) > 0.5)).toBe(true);
    for (const f of still) {
      expect(f.head).toEqual({ yaw: 0, pitch: 0, roll: 0 });
      expect(f.breathing).toBe(0);
      expect(f.gaze).toEqual({ x: 0, y: 0 });
    }
    expect(still.some((f) => f.eyelids.left > 0.5)).toBe(true);
    const speaking = [
      base({ turn: 'speaking', reducedMotion: true }),
      { at: -1, set: { speech: track({ heardMs: 0, at: 0, ended: false }) } },
    ];
    expect(frameAt(speaking, 300).mouth.viseme).not.toBe('closed');
  });
});

function engine() {
  const clock = manualClock(0);
  let n = 0;
  const bus = createBus({ clock, newId: () => `id-${++n}` });
  const presence = createPresenceEngine({ bus, clock, seed: 3 });
  presence.start();
  const state = (s: TurnState) =>
    bus.emit(
      'turn.state_changed',
      { turnId: 't1', conversationId: 'c1', state: s, previous: 'idle' },
      { source: 'interaction' },
    );
  return { clock, bus, presence, state };
}

describe('the presence engine', () => {
  it('gives each renderer frames at the rate it asks, and replays its log to the same frames', async () => {
    const { clock, presence, state } = engine();
    const got: Record<number, number[]> = { 60: [], 30: [], 10: [] };
    const live: ReturnType<typeof presence.frame>[] = [];
    for (const fps of [60, 30, 10] as const)
      presence.subscribe({ fps, reducedMotion: false }, (f) => {
        got[fps].push(f.at);
        if (fps === 60) live.push(f);
      });
    await clock.advance(300);
    state('listening');
    await clock.advance(400);
    state('thinking');
    await clock.advance(300);
    // One at once, then one per interval (fractions of a ms may drop the last).
    expect(got[60].length).toBeGreaterThanOrEqual(60);
    expect(got[60].length).toBeLessThanOrEqual(61);
    expect(got[30].length).toBeGreaterThanOrEqual(30);
    expect(got[30].length).toBeLessThanOrEqual(31);
    expect(got[10].length).toBe(11);
    const log = presence.recorded();
    for (const f of live) expect(frameAt(log, f.at)).toEqual(f);
    expect(live.at(-1)).toMatchObject({ layer: 'thinking' });
  });

  it('asks a renderer for an unknown rate at the lowest, and leaves no timers when disposed', async () => {
    const { clock, presence } = engine();
    const at: number[] = [];
    presence.subscribe({ fps: 45 as never, reducedMotion: true }, (f) => at.push(f.at));
    presence.subscribe({ fps: 60, reducedMotion: false }, () => {});
    await clock.advance(1000);
    expect(at.length).toBe(11);
    expect(clock.pending()).toBe(2);
    presence.dispose();
    expect(clock.pending()).toBe(0);
  });

  it('follows the spoken reply: pieces and the page playback reports', async () => {
    const { clock, bus, presence, state } = engine();
    state('speaking');
    const meta = { source: 'interaction' as const, turnId: 't1' };
    const envelope = Array.from({ length: 25 }, () => 0.4);
    bus.emit(
      'voice.piece',
      { turnId: 't1', seq: 0, startMs: 0, durationMs: 500, envelope, text: 'Oh' },
      meta,
    );
    await clock.advance(1000);
    bus.emit('voice.played', { turnId: 't1', heardMs: 0, ended: false }, meta);
    await clock.advance(200);
    expect(presence.frame().mouth).toMatchObject({ viseme: 'oh' });
    await clock.advance(400);
    expect(presence.frame().mouth.viseme).toBe('closed');
  });
});
