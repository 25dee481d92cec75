// Loudness per 20 ms: what the face's mouth follows for a spoken piece, and what the echo check
// compares the microphone with.

/** RMS of each 20 ms of `samples`, rounded to 3 places. */
export function envelopeOf(samples: Float32Array, sampleRate: number): number[] {
  const step = Math.round(sampleRate / 50);
  const out: number[] = [];
  for (let at = 0; at < samples.length; at += step) {
    let sum = 0;
    const end = Math.min(samples.length, at + step);
    for (let i = at; i < end; i++) sum += samples[i] * samples[i];
    out.push(Math.round(Math.sqrt(sum / (end - at)) * 1000) / 1000);
  }
  return out;
}
