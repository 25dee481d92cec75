// Randomness the face can replay: every random choice (blink intervals, saccades, idle sway)
// comes from a seeded generator, so the same seed and inputs give the same frames.

/** A seeded source of numbers in [0, 1) (mulberry32). */
export type Random = () => number;

export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Smooth sway in -1..1 at time `t` (ms): a few slow sines with seeded periods and phases, the
 * same for the same seed at any t — no state, so frames stay a function of time.
 */
export function sway(seed: number, t: number): number {
  const r = seeded(seed);
  let sum = 0;
  for (let i = 0; i < 3; i++) {
    const period = 2500 + r() * 4000 * (i + 1);
    sum += Math.sin((2 * Math.PI * t) / period + r() * 2 * Math.PI) / 3;
  }
  return sum;
}
