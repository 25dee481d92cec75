// Test speech: flite says the words, sox makes them 16 kHz mono with silence around them at known
// offsets (VOICE-FACTS: a real offline round trip). Where flite or sox is missing, `speechTools`
// says so and the tests that need them are skipped with that reason.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEBIAN_ESPEAK_DATA, makeSpeechPack } from '../../../scripts/speech/make-pack.ts';
import { decodeWav } from './flite.ts';

const has = (tool: string) => {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

export const speechTools = has('flite') && has('sox') ? null : 'flite and sox are not installed';
/** pocketsphinx with its general English model: the open-vocabulary check of what a voice says. */
export const sphinx = has('pocketsphinx_continuous') ? null : 'pocketsphinx is not installed';

/** The generated test voice phonemises with espeak-ng's data (Debian's espeak-ng-data). */
export const espeakData = DEBIAN_ESPEAK_DATA ? null : 'espeak-ng-data is not installed';

/** A generated speech pack (scripted recogniser, beeper voice) in a folder of its own. */
export function testPack(
  script: string,
  options: { streaming?: boolean; espeakData?: string } = {},
): string {
  const out = mkdtempSync(join(tmpdir(), 'aether-pack-'));
  makeSpeechPack({ script, out, ...options });
  return out;
}

/** Float samples → a 16-bit PCM WAV file. */
export function writeWav(file: string, samples: Float32Array, sampleRate = 16000): void {
  const b = Buffer.alloc(44 + samples.length * 2);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + samples.length * 2, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++)
    b.writeInt16LE(Math.round(Math.max(-1, Math.min(1, samples[i])) * 32767), 44 + i * 2);
  writeFileSync(file, b);
}

/**
 * A recording for Chromium's fake microphone: the parts (from `spoken`, silences included) one
 * after another in one WAV; returns where each part begins, in ms.
 */
export function microphoneWav(file: string, parts: Float32Array[]): number[] {
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  const starts: number[] = [];
  let at = 0;
  for (const part of parts) {
    starts.push((at * 1000) / 16000);
    all.set(part, at);
    at += part.length;
  }
  writeWav(file, all);
  return starts;
}

/** What pocketsphinx hears in 16 kHz speech. */
export function heardBySphinx(samples: Float32Array): string {
  const file = join(mkdtempSync(join(tmpdir(), 'aether-sphinx-')), 'say.wav');
  writeWav(file, samples);
  const out = execFileSync('pocketsphinx_continuous', ['-infile', file, '-logfn', '/dev/null'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out.toString().trim().toLowerCase();
}

/** Word error rate: word-level edit distance over the reference's length. */
export function wordErrorRate(reference: string, heard: string): number {
  const r = reference
    .toLowerCase()
    .replace(/[^a-z' ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const h = heard
    .toLowerCase()
    .replace(/[^a-z' ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  let row = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const next = [i];
    for (let j = 1; j <= h.length; j++)
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (r[i - 1] === h[j - 1] ? 0 : 1));
    row = next;
  }
  return row[h.length] / r.length;
}

/** 16-bit PCM WAV → float samples (the data chunk, wherever it is). */
export const readWav = (file: string): Float32Array => decodeWav(readFileSync(file)).samples;

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
