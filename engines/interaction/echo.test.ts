import { describe, expect, it } from 'vitest';
import { ECHO_CORRELATION, echoScore, type Level } from './echo.ts';

// A loudness curve like speech: syllables of random strength and length (40–120 ms), 20 ms a
// value, from a seeded generator (mulberry32) so the test is the same every run.
function speech(seed: number, n: number): number[] {
  let x = seed;
  const random = () => {
    x = (x + 0x6d2b79f5) | 0;
    let t = Math.imul(x ^ (x >>> 15), 1 | x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const out: number[] = [];
  while (out.length < n) {
    const level = random() < 0.25 ? 0.01 : 0.1 + random() * 0.5;
    for (let i = Math.floor(2 + random() * 5); i > 0 && out.length < n; i--)
      out.push(level * (0.7 + random() * 0.6));
  }
  return out;
}

const asPlayed = (curve: number[], start: number) => (at: number) => {
  const i = Math.floor((at - start) / 20);
  return i >= 0 && i < curve.length ? curve[i] : null;
};

describe('echo of the companion through the microphone', () => {
  it('recognises its own voice coming back, delayed and quieter', () => {
    const said = speech(1, 60);
    const delay = 140;
    const mic: Level[] = said.map((rms, i) => ({
      at: 1000 + i * 20 + delay,
      rms: rms * 0.3 + 0.01,
    }));
    const now = mic.at(-1)!.at;
    expect(echoScore(mic, asPlayed(said, 1000), now)).toBeGreaterThan(ECHO_CORRELATION);
  });

  it('does not take the user speaking over the reply for the echo', () => {
    const said = speech(1, 60);
    const user = speech(7, 60);
    const mic: Level[] = user.map((rms, i) => ({ at: 1000 + i * 20, rms }));
    expect(echoScore(mic, asPlayed(said, 1000), mic.at(-1)!.at)).toBeLessThan(ECHO_CORRELATION);
  });

  it('tells them apart over 20 replies, at delays up to 300 ms and with room noise', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const said = speech(seed, 60);
      const noise = speech(seed + 100, 60);
      const delay = (seed * 15) % 300;
      const echoed: Level[] = said.map((rms, i) => ({
        at: 1000 + i * 20 + delay,
        rms: rms * 0.2 + noise[i] * 0.03,
      }));
      const user: Level[] = speech(seed + 50, 60).map((rms, i) => ({
        at: 1000 + i * 20,
        rms: rms + said[i] * 0.1,
      }));
      const played = asPlayed(said, 1000);
      expect(echoScore(echoed, played, echoed.at(-1)!.at), `echo ${seed}`).toBeGreaterThan(
        ECHO_CORRELATION,
      );
      expect(echoScore(user, played, user.at(-1)!.at), `user ${seed}`).toBeLessThan(
        ECHO_CORRELATION,
      );
    }
  });

  it('is no echo when nothing was played', () => {
    const mic: Level[] = speech(2, 40).map((rms, i) => ({ at: i * 20, rms }));
    expect(echoScore(mic, () => null, 800)).toBe(0);
  });

  it('does not take the user for the echo when they start to speak as the reply starts', () => {
    // Quiet, then both the reply and the user begin: two steps that line up by chance.
    const said = speech(3, 40);
    const user = speech(9, 15);
    const mic: Level[] = [
      ...Array.from({ length: 25 }, (_, i) => ({ at: 1000 + i * 20, rms: 0.002 })),
      ...user.map((rms, i) => ({ at: 1500 + i * 20, rms })),
    ];
    const played = asPlayed(said, 1480);
    expect(echoScore(mic, played, mic.at(-1)!.at)).toBeLessThan(ECHO_CORRELATION);
  });

  it('over 40 such starts, never calls the user an echo', () => {
    const scores = Array.from({ length: 40 }, (_, k) => {
      const user = speech(k + 500, 15);
      const mic: Level[] = [
        ...Array.from({ length: 25 }, (_, i) => ({ at: 1000 + i * 20, rms: 0.002 })),
        ...user.map((rms, i) => ({ at: 1500 + i * 20, rms })),
      ];
      return echoScore(mic, asPlayed(speech(k + 1, 60), 1480), mic.at(-1)!.at);
    });
    expect(scores.filter((v) => v >= ECHO_CORRELATION)).toEqual([]);
  });
});
