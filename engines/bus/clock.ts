// Time and ids come from the composition root, so every engine can be run against a clock a
// test moves by hand. Two kinds of "now", with two names:
//   now()       wall-clock epoch ms — what is stored and shown (createdAt, audit rows, exports);
//   monotonic() ms since the host started, never going back — durations, deadlines, event `at`.
// Only globals that Node and browsers share: the bus is compiled for the renderer too.

/** What a clock's setTimeout/setInterval return; only that clock's clear functions take it. */
export type TimerHandle = unknown;

export type TimerOptions = { background?: boolean };

export type Clock = {
  now(): number;
  monotonic(): number;
  /** `background` timers do not keep the process alive (upkeep, expiry, checkpoints). */
  setTimeout(fn: () => void, ms: number, opts?: TimerOptions): TimerHandle;
  clearTimeout(timer: TimerHandle | undefined): void;
  setInterval(fn: () => void, ms: number, opts?: TimerOptions): TimerHandle;
  clearInterval(timer: TimerHandle | undefined): void;
  /** Resolves after `ms` on this clock. */
  sleep(ms: number): Promise<void>;
};

/** A source of unique ids (UUIDs in the product; a counter in tests that compare ids). */
export type NewId = () => string;

export const randomId: NewId = () => crypto.randomUUID();

function backgrounded<T>(timer: T, opts?: TimerOptions): T {
  const unref = (timer as { unref?: () => void }).unref;
  if (opts?.background && unref) unref.call(timer);
  return timer;
}

export function systemClock(): Clock {
  const startedAt = performance.now();
  const clock: Clock = {
    now: Date.now,
    monotonic: () => performance.now() - startedAt,
    setTimeout: (fn, ms, opts) => backgrounded(setTimeout(fn, ms), opts),
    clearTimeout: (t) => clearTimeout(t as Parameters<typeof clearTimeout>[0]),
    setInterval: (fn, ms, opts) => backgrounded(setInterval(fn, ms), opts),
    clearInterval: (t) => clearInterval(t as Parameters<typeof clearInterval>[0]),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  return clock;
}
