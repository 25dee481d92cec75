// Is what the microphone hears the companion's own voice coming back from the speakers? The
// loudness of the microphone over the last moments is compared with the loudness of what was
// played (both per 20 ms), at every lag the room and the audio path may add; a close match is
// the echo, not the user taking the turn. The browser's echo canceller removes most of it; this
// catches what it leaves, and machines without one.

export type Level = { at: number; rms: number };

/** How far back the comparison looks, and the delays it tries (speakers → microphone → host). */
const WINDOW_MS = 800;
const MAX_LAG_MS = 400;
const STEP_MS = 20;
/**
 * Correlation of the two loudness curves at or above which the microphone hears the echo. The
 * reply coming back unchanged scores ~0.99; with only ~300 ms of the user's speech to compare, a
 * user speaking over the reply scores up to ~0.95 by chance (echo.test.ts, bench:voice). So this
 * catches the reply's own audio fed back (no echo canceller, a loopback), and leaves echo through
 * the air to the browser's canceller (decision 0017).
 */
export const ECHO_CORRELATION = 0.97;

function correlation(a: number[], b: number[]): number {
  const n = a.length;
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / n;
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/** Fewer moments than this inside the reply's audio are too few to call it an echo. */
const MIN_SAMPLES = 10;

/**
 * The best correlation between the microphone's recent loudness and what was played over the
 * lags tried. `played` gives the played loudness at a time, or null outside the reply's audio:
 * only moments inside it count, so the reply starting while the user starts to speak (two steps
 * from quiet to sound) does not look like an echo. 0 when there is too little to compare.
 */
export function echoScore(
  mic: Level[],
  played: (at: number) => number | null,
  now: number,
): number {
  const recent = mic.filter((l) => l.at > now - WINDOW_MS);
  let best = 0;
  for (let lag = 0; lag <= MAX_LAG_MS; lag += STEP_MS) {
    const pairs = recent.flatMap((l) => {
      const said = played(l.at - lag);
      return said === null ? [] : [[l.rms, said] as const];
    });
    if (pairs.length < MIN_SAMPLES || pairs.every(([, said]) => said === 0)) continue;
    const r = correlation(
      pairs.map(([heard]) => heard),
      pairs.map(([, said]) => said),
    );
    best = Math.max(best, r);
  }
  return best;
}
