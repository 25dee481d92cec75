// Test speech: flite says the words, sox makes them 16 kHz mono with silence around them at known
// offsets (VOICE-FACTS: a real offline round trip). Where flite or sox is missing, `speechTools`
// says so and the tests that need them are skipped with that reason.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const has = (tool: string) => {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

export const speechTools = has('flite') && has('sox') ? null : 'flite and sox are not installed';

/** 16-bit PCM WAV → float samples (the data chunk, wherever it is). */
export function readWav(file: string): Float32Array {
  const b = readFileSync(file);
  let at = 12;
  while (at + 8 <= b.length && b.toString('ascii', at, at + 4) !== 'data')
    at += 8 + b.readUInt32LE(at + 4);
  const start = at + 8;
  const n = Math.floor((b.length - start) / 2);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = b.readInt16LE(start + i * 2) / 32768;
  return out;
}

/** The words spoken, with `before` and `after` seconds of silence around them. */
export function spoken(words: string, before = 1, after = 1.2): Float32Array {
  const dir = mkdtempSync(join(tmpdir(), 'aether-speech-'));
  const raw = join(dir, 'raw.wav');
  const wav = join(dir, 'speech.wav');
  execFileSync('flite', ['-t', words, '-o', raw]);
  execFileSync('sox', [
    raw,
    '-r',
    '16000',
    '-c',
    '1',
    '-b',
    '16',
    wav,
    'pad',
    String(before),
    String(after),
  ]);
  return readWav(wav);
}

/** Where the audio is loud (10 ms frames with RMS over the floor): first and last, in ms. */
export function energySpan(samples: Float32Array, floor = 0.02): { onMs: number; offMs: number } {
  const frame = 160;
  let on = -1;
  let off = -1;
  for (let i = 0; i + frame <= samples.length; i += frame) {
    let sum = 0;
    for (let j = i; j < i + frame; j++) sum += samples[j] * samples[j];
    if (Math.sqrt(sum / frame) > floor) {
      if (on < 0) on = i;
      off = i + frame;
    }
  }
  return { onMs: (on * 1000) / 16000, offMs: (off * 1000) / 16000 };
}
