// A speech pack: a folder with `pack.json` naming a recogniser and/or voices, and the SHA-256 of
// every model file in it. Packs come from the Models tab (downloads), from disk, from
// `npm run serve -- --speech DIR`, or from `make-test-speech`; all are read and checked here
// before the speech process may load anything (a file sherpa cannot use kills its process).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { z } from 'zod';
import { AetherError } from '../../bus/index.ts';
import type { RecogniserConfig, PackVoiceConfig } from './protocol.ts';

const file = z
  .string()
  .min(1)
  .max(300)
  .refine((p) => !isAbsolute(p) && !normalize(p).split(sep).includes('..'), {
    message: 'a pack file is a path inside the pack',
  });
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex');

const transducerFiles = { encoder: file, decoder: file, joiner: file, tokens: file };
const recogniser = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('zipformer-ctc'), model: file, tokens: file }),
  z.object({
    kind: z.literal('moonshine'),
    preprocessor: file,
    encoder: file,
    uncachedDecoder: file,
    cachedDecoder: file,
    tokens: file,
  }),
  z.object({ kind: z.literal('whisper'), encoder: file, decoder: file, tokens: file }),
  z.object({ kind: z.literal('transducer'), ...transducerFiles }),
  z.object({ kind: z.literal('streaming-transducer'), ...transducerFiles }),
]);

const voice = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
  kind: z.literal('vits'),
  model: file,
  tokens: file,
  /** espeak-ng's data folder: inside the pack, or (generated test packs) an absolute path. */
  dataDir: z.string().min(1).max(500),
});

export const packSchema = z.object({
  format: z.literal(1),
  name: z.string().min(1).max(100),
  recogniser: recogniser.optional(),
  voices: z.array(voice).max(50).default([]),
  /** Every model file the pack names, by its path inside the pack. */
  sha256: z.record(file, sha256),
});

export type PackManifest = z.infer<typeof packSchema>;

export type SpeechPack = {
  dir: string;
  name: string;
  recogniser: RecogniserConfig | null;
  voices: PackVoiceConfig[];
};

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function manifestOf(dir: string): Promise<PackManifest> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, 'pack.json'), 'utf8'));
  } catch (error) {
    throw new AetherError('BadRequest', `${dir} has no readable pack.json (${String(error)})`);
  }
  const parsed = packSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AetherError('BadRequest', `pack.json: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/** Each model file the pack names must be listed with its SHA-256, and match it. */
async function check(dir: string, files: string[], sums: Record<string, string>): Promise<void> {
  for (const name of files) {
    const expected = sums[name];
    if (!expected) throw new AetherError('BadRequest', `pack.json gives no SHA-256 for ${name}`);
    const actual = await sha256Of(join(dir, name)).catch(() => null);
    if (actual !== expected)
      throw new AetherError(
        'ChecksumMismatch',
        actual ? `${name} is not the file the pack names (SHA-256 differs)` : `${name} is missing`,
      );
  }
}

/** The pack in `dir`, read and checked file by file: a typed error for anything wrong. */
export async function readPack(dir: string): Promise<SpeechPack> {
  const m = await manifestOf(dir);
  const at = (p: string) => join(dir, p);
  let recogniser: RecogniserConfig | null = null;
  if (m.recogniser) {
    const { kind, ...files } = m.recogniser;
    await check(dir, Object.values(files), m.sha256);
    const absolute = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, at(v)]));
    recogniser = { kind, ...absolute } as RecogniserConfig;
  }
  const voices: PackVoiceConfig[] = [];
  for (const v of m.voices) {
    await check(dir, [v.model, v.tokens], m.sha256);
    const dataDir = isAbsolute(v.dataDir) ? v.dataDir : at(v.dataDir);
    voices.push({ id: v.id, model: at(v.model), tokens: at(v.tokens), dataDir });
  }
  // The rest it lists (a voice's espeak-ng-data, say) is checked too: sherpa reads those as well.
  await check(dir, Object.keys(m.sha256), m.sha256);
  return { dir, name: m.name, recogniser, voices };
}
