// The speech process for a host: the bundled voice activity model, and the speech packs it
// loads (installed in the data folder, imported, or given with --speech).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLED_VAD, type SpawnSpeech } from '../interaction/index.ts';
import { forkSpeech } from './fork-worker.ts';
import type { Resources } from './paths.ts';

type SpeechBase = {
  options: { dataDir: string; spawnSpeech?: SpawnSpeech | null; speechPacks?: string[] };
  resources: Resources;
};

/** The speech process and its bundled voice activity model, unless this host has no voice. */
export function speechOf({ options, resources }: SpeechBase, imported: () => string[]) {
  if (options.spawnSpeech === null) return undefined;
  const spawn = options.spawnSpeech ?? forkSpeech(resources.speechWorkerEntry);
  const packs = () => [
    ...new Set([
      ...installedPacks(join(options.dataDir, 'speech')),
      ...imported(),
      ...(options.speechPacks ?? []),
    ]),
  ];
  const vad = { model: resources.vadModel, ...BUNDLED_VAD };
  return { spawn, vad, fliteWasm: resources.fliteWasm, packs };
}

/** The speech packs installed in the data folder: each folder there with a pack.json. */
function installedPacks(dir: string): string[] {
  try {
    return readdirSync(dir)
      .map((name) => join(dir, name))
      .filter((p) => existsSync(join(p, 'pack.json')));
  } catch {
    return [];
  }
}
