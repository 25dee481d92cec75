// The recogniser from a speech pack, in the speech process: sherpa's offline recognisers decode
// a whole segment (and, for partial words, the segment so far). Decision 0017.
import { createRequire } from 'node:module';
import type { RecogniserConfig } from './protocol.ts';
import { SAMPLE_RATE } from './protocol.ts';

type Stream = { acceptWaveform(w: { sampleRate: number; samples: Float32Array }): void };
type Recognizer = {
  createStream(): Stream;
  decode(stream: Stream): void;
  getResult(stream: Stream): { text: string };
};

const nativeRequire = createRequire(import.meta.url);

function modelConfig(config: RecogniserConfig) {
  const { kind, tokens, ...files } = config;
  const key = { 'zipformer-ctc': 'zipformerCtc', moonshine: 'moonshine', whisper: 'whisper' }[
    kind as string
  ];
  // Whisper takes its language and task; the others need only their files.
  const extra = kind === 'whisper' ? { language: 'en', task: 'transcribe' } : {};
  return { [key ?? 'transducer']: { ...files, ...extra }, tokens, numThreads: 1, debug: 0 };
}

export function createRecogniser(config: RecogniserConfig) {
  const { OfflineRecognizer } = nativeRequire('sherpa-onnx-node') as {
    OfflineRecognizer: new (c: unknown) => Recognizer;
  };
  const recognizer = new OfflineRecognizer({
    featConfig: { sampleRate: SAMPLE_RATE, featureDim: 80 },
    modelConfig: modelConfig(config),
    decodingMethod: 'greedy_search',
  });
  return {
    /** The words in these samples, and how long finding them took. */
    decode(samples: Float32Array): { text: string; decodeMs: number } {
      const started = performance.now();
      const stream = recognizer.createStream();
      stream.acceptWaveform({ sampleRate: SAMPLE_RATE, samples });
      recognizer.decode(stream);
      const text = recognizer.getResult(stream).text.trim();
      return { text, decodeMs: Math.round(performance.now() - started) };
    },
  };
}

export type Recogniser = ReturnType<typeof createRecogniser>;
