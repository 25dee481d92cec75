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
 * Correlation of the two loudness curves above which the microphone is taken to hear the echo:
 * an echo scores ~0.99, a user speaking over the reply up to ~0.65 by chance (echo.test.ts).
 */
export const ECHO_CORRELATION = 0.8;

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

/**
 * The best correlation between the microphone's recent loudness and what was played (`played`
 * gives the played loudness at a time) over the lags tried; 0 when nothing was played.
 */
export function echoScore(mic: Level[], played: (at: number) => number, now: number): number {
  const recent = mic.filter((l) => l.at > now - WINDOW_MS);
  if (recent.length < 10) return 0;
  const heard = recent.map((l) => l.rms);
  let best = 0;
  for (let lag = 0; lag <= MAX_LAG_MS; lag += STEP_MS) {
    const said = recent.map((l) => played(l.at - lag));
    if (said.every((v) => v === 0)) continue;
    best = Math.max(best, correlation(heard, said));
  }
  return best;
}
