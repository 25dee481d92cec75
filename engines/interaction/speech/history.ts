// The last seconds of audio the speech process heard, addressed by absolute sample index, so a
// segment can be recognised with the pre-roll the VAD clips off (VOICE-FACTS: leading consonants).
export function createHistory(capacity: number) {
  const ring = new Float32Array(capacity);
  let end = 0; // absolute index one past the newest sample

  return {
    end: () => end,
    push(samples: Float32Array): void {
      for (let i = 0; i < samples.length; i++) ring[(end + i) % capacity] = samples[i];
      end += samples.length;
    },
    /** Samples [from, to) that are still held; older ones are gone. */
    slice(from: number, to: number): Float32Array {
      const start = Math.max(from, end - capacity, 0);
      const stop = Math.min(to, end);
      const out = new Float32Array(Math.max(0, stop - start));
      for (let i = 0; i < out.length; i++) out[i] = ring[(start + i) % capacity];
      return out;
    },
  };
}
