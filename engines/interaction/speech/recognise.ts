// The recogniser from a speech pack, in the speech process. A streaming recogniser (sherpa's
// OnlineRecognizer) decodes the utterance chunk by chunk while it is spoken, so its partial words
// cost nothing more and its last words come one chunk after the end; an offline one decodes the
// whole segment (and, for partial words, the segment so far). Decision 0017, 0019.
import { createRequire } from 'node:module';
import type { RecogniserConfig } from './protocol.ts';
import { SAMPLE_RATE } from './protocol.ts';

type Waveform = { sampleRate: number; samples: Float32Array };
type Stream = { acceptWaveform(w: Waveform): void; inputFinished?(): void };
type Decoder = {
  createStream(): Stream;
  decode(stream: Stream): void;
  getResult(stream: Stream): { text: string };
  isReady?(stream: Stream): boolean;
};
type Heard = { text: string; decodeMs: number };

/** Decodes a whole segment at a time. */
export type OfflineRecogniser = { streaming: false; decode(samples: Float32Array): Heard };

/** Decodes one utterance as it is heard: `begin` it, `accept` its audio, `end` it. */
export type StreamingRecogniser = {
  streaming: true;
  begin(): void;
  accept(samples: Float32Array): void;
  /**
   * The words so far of the utterance being heard. `flush` (the user paused): the last chunk is
   * decoded now, on silence, so these words are the ones the end will give if no more come.
   */
  text(flush?: boolean): Heard;
  /** The utterance is over: its last chunk is decoded and the words are final. */
  end(): Heard;
};

export type Recogniser = OfflineRecogniser | StreamingRecogniser;

const nativeRequire = createRequire(import.meta.url);
const sherpa = () =>
  nativeRequire('sherpa-onnx-node') as Record<
    'OfflineRecognizer' | 'OnlineRecognizer',
    new (c: unknown) => Decoder
  >;
const featConfig = { sampleRate: SAMPLE_RATE, featureDim: 80 };
/** Silence after the end, so the model's last chunk (with its right context) is complete. */
const TAIL = new Float32Array(0.4 * SAMPLE_RATE);

function modelConfig(config: RecogniserConfig) {
  const { kind, tokens, ...files } = config;
  const key = { 'zipformer-ctc': 'zipformerCtc', moonshine: 'moonshine', whisper: 'whisper' }[
    kind as string
  ];
  // Whisper takes its language and task; the others need only their files.
  const extra = kind === 'whisper' ? { language: 'en', task: 'transcribe' } : {};
  return { [key ?? 'transducer']: { ...files, ...extra }, tokens, numThreads: 1, debug: 0 };
}

function timed(fn: () => string): Heard {
  const started = performance.now();
  const text = fn().trim();
  return { text, decodeMs: Math.round(performance.now() - started) };
}

function offline(config: RecogniserConfig): OfflineRecogniser {
  const recognizer = new (sherpa().OfflineRecognizer)({
    featConfig,
    modelConfig: modelConfig(config),
    decodingMethod: 'greedy_search',
  });
  return {
    streaming: false,
    decode: (samples) =>
      timed(() => {
        const stream = recognizer.createStream();
        stream.acceptWaveform({ sampleRate: SAMPLE_RATE, samples });
        recognizer.decode(stream);
        return recognizer.getResult(stream).text;
      }),
  };
}

function streaming(config: RecogniserConfig): StreamingRecogniser {
  const recognizer = new (sherpa().OnlineRecognizer)({
    featConfig,
    modelConfig: modelConfig(config),
    decodingMethod: 'greedy_search',
  });
  // A new stream per utterance: resetting one keeps the encoder's state from the last.
  let stream: Stream | null = null;
  const decodeReady = (s: Stream) => {
    while (recognizer.isReady!(s)) recognizer.decode(s);
  };
  const words = () => (stream ? recognizer.getResult(stream).text : '');
  return {
    streaming: true,
    begin: () => {
      stream = recognizer.createStream();
    },
    accept: (samples) => {
      if (!stream) return;
      stream.acceptWaveform({ sampleRate: SAMPLE_RATE, samples });
      decodeReady(stream); // as audio comes, so that the end has only the last chunk to do
    },
    text: (flush = false) =>
      timed(() => {
        // Silence in the stream is only a longer pause if the user goes on speaking.
        if (flush && stream) {
          stream.acceptWaveform({ sampleRate: SAMPLE_RATE, samples: TAIL });
          decodeReady(stream);
        }
        return words();
      }),
    end: () =>
      timed(() => {
        if (!stream) return '';
        stream.acceptWaveform({ sampleRate: SAMPLE_RATE, samples: TAIL });
        stream.inputFinished!();
        decodeReady(stream);
        const text = words();
        stream = null;
        return text;
      }),
  };
}

export function createRecogniser(config: RecogniserConfig): Recogniser {
  return config.kind === 'streaming-transducer' ? streaming(config) : offline(config);
}
