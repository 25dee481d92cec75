// Events that recur at random intervals — blinks, saccades — as a pure function of (seed, rate,
// time): the n-th event's time is the sum of n seeded intervals, kept once computed.
import { seeded } from './random.ts';

/** How long a blink takes: the lids close in 60 ms, stay 30 and open in 90 (a real blink's shape). */
const CLOSE = 60;
const HOLD = 30;
const OPEN = 90;
export const BLINK_MS = CLOSE + HOLD + OPEN;

type Times = { next: () => number; times: number[] };

/** Event times from 0 on, each interval between 40 % and 160 % of the mean. */
function recurring(seed: number, meanMs: number): Times {
  const r = seeded(seed);
  const times: number[] = [];
  let at = 0;
  return {
    times,
    next: () => {
      at += meanMs * (0.4 + 1.2 * r());
      times.push(at);
      return at;
    },
  };
}

const kept = new Map<string, Times>();

/** The times of the events in [from, to), on a schedule of `meanMs` between them. */
export function eventsBetween(seed: number, meanMs: number, from: number, to: number): number[] {
  if (!(meanMs > 0) || to <= from) return [];
  const key = `${seed}:${meanMs}`;
  let s = kept.get(key);
  if (!s) {
    if (kept.size > 64) kept.clear(); // persona changes are rare; never let it grow
    s = recurring(seed, meanMs);
    kept.set(key, s);
  }
  while ((s.times.at(-1) ?? 0) < to) s.next();
  const out: number[] = [];
  for (let i = firstAtOrAfter(s.times, from); i < s.times.length && s.times[i] < to; i++)
    out.push(s.times[i]);
  return out;
}

/** Binary search: a session's schedule holds thousands of blinks by evening. */
function firstAtOrAfter(times: number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How far the lids are closed by blinking at `t` (0 open, 1 shut); no blinks at rate 0. */
export function blinkClosure(seed: number, perMinute: number, t: number): number {
  if (perMinute <= 0) return 0;
  const started = eventsBetween(seed, 60_000 / perMinute, t - BLINK_MS, t + 1).at(-1);
  if (started === undefined || t < started) return 0;
  const d = t - started;
  if (d < CLOSE) return d / CLOSE;
  if (d < CLOSE + HOLD) return 1;
  return Math.max(0, 1 - (d - CLOSE - HOLD) / OPEN);
}
