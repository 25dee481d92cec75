// Saying a piece of a reply, in the speech process: the embedded flite voice or a pack's VITS
// voice (sherpa OfflineTts, kept warm: creating one costs ~0.7 s). Each piece goes out with its
// loudness per 20 ms (for L3's visemes); a cancelled piece stops at sherpa's next callback.
import { createRequire } from 'node:module';
import { envelopeOf } from './envelope.ts';
import { createFlite, type Flite } from './flite.ts';
import type { PackVoiceConfig, VoiceChoice } from './protocol.ts';

type Tts = {
  sampleRate: number;
  generateAsync(r: {
    text: string;
    sid: number;
    speed: number;
    onProgress: (info: { samples: Float32Array }) => number;
  }): Promise<unknown>;
};

export type Piece = { samples: Float32Array; sampleRate: number; envelope: number[] };

const nativeRequire = createRequire(import.meta.url);

function packVoice(config: PackVoiceConfig): Tts {
  const { OfflineTts } = nativeRequire('sherpa-onnx-node') as {
    OfflineTts: new (c: unknown) => Tts;
  };
  const { model, tokens, dataDir } = config;
  return new OfflineTts({
    model: { vits: { model, tokens, dataDir }, numThreads: 1, debug: 0 },
    maxNumSentences: 1,
  });
}

export async function createVoices(fliteWasm: string, packVoices: PackVoiceConfig[]) {
  const flite: Flite = await createFlite(fliteWasm);
  const loaded = new Map<string, Tts>();
  const problems: string[] = [];
  for (const v of packVoices) {
    try {
      loaded.set(v.id, packVoice(v));
    } catch (error) {
      problems.push(`the voice ${v.id} did not load: ${(error as Error).message}`);
    }
  }
  return {
    ids: () => [...loaded.keys()],
    problems,
    /** Says `text`; each piece goes to `onPiece`, which returns false to stop. */
    async say(text: string, choice: VoiceChoice, onPiece: (p: Piece) => boolean): Promise<void> {
      const tts = loaded.get(choice.voice);
      if (!tts) {
        const { samples, sampleRate } = flite.say(text, choice);
        onPiece({ samples, sampleRate, envelope: envelopeOf(samples, sampleRate) });
        return;
      }
      const { sampleRate } = tts;
      await tts.generateAsync({
        text,
        sid: 0,
        speed: choice.speed,
        onProgress: ({ samples }) =>
          onPiece({ samples, sampleRate, envelope: envelopeOf(samples, sampleRate) }) ? 1 : 0,
      });
    },
    dispose: () => flite.dispose(),
  };
}

export type Voices = Awaited<ReturnType<typeof createVoices>>;
