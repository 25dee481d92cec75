// What crosses between the host and the speech process. Audio travels as Float32Array samples
// (16 kHz mono) over IPC with advanced serialization, never as JSON numbers.
export const SAMPLE_RATE = 16_000;
/** Silero's window at 16 kHz. */
export const WINDOW = 512;

export type VadConfig = {
  model: string;
  /** Speech probability above which a window counts as speech. */
  threshold: number;
  /** Silence that ends a segment. */
  minSilenceMs: number;
  /** Speech shorter than this is not a segment (a click, a cough). */
  minSpeechMs: number;
  /** While a reply plays: the surer threshold, and how long speech must last before it counts. */
  overReply: { threshold: number; holdMs: number };
};

/** A recogniser from a speech pack, with absolute paths to its files. */
export type RecogniserConfig =
  | { kind: 'zipformer-ctc'; model: string; tokens: string }
  | {
      kind: 'moonshine';
      preprocessor: string;
      encoder: string;
      uncachedDecoder: string;
      cachedDecoder: string;
      tokens: string;
    }
  | { kind: 'whisper'; encoder: string; decoder: string; tokens: string }
  | { kind: 'transducer'; encoder: string; decoder: string; joiner: string; tokens: string }
  /** Decodes while the user speaks (sherpa's OnlineRecognizer): partial words chunk by chunk. */
  | {
      kind: 'streaming-transducer';
      encoder: string;
      decoder: string;
      joiner: string;
      tokens: string;
    };

/** A VITS/Piper voice from a speech pack. */
export type PackVoiceConfig = { id: string; model: string; tokens: string; dataDir: string };

export type LoadConfig = {
  vad: VadConfig;
  recogniser: RecogniserConfig | null;
  voices: PackVoiceConfig[];
  /** The embedded voice's WebAssembly (flite, decision 0017). */
  fliteWasm: string;
};

/** How a reply is said: which voice (`flite:slt` or a pack voice's id), how fast, how high. */
export type VoiceChoice = { voice: string; speed: number; pitch: number };

export type ToSpeech =
  | { type: 'load'; config: LoadConfig }
  | { type: 'audio'; samples: Float32Array }
  | { type: 'speak'; id: string; text: string; choice: VoiceChoice }
  | { type: 'cancel'; id: string }
  /** A reply is playing (or no longer): speech must then pass `overReply` to count. */
  | { type: 'reply_playing'; on: boolean };

export type FromSpeech =
  /** What loaded; `problems` says, in words, what did not (the VAD alone is fatal). */
  | { type: 'ready'; recogniser: boolean; voices: string[]; problems: string[] }
  | { type: 'load_failed'; message: string }
  /** Times are in ms of audio fed since load (the audio clock, not the wall clock). */
  /** `heardMs`: how long the speech had lasted when it counted (0 unless a reply played). */
  | { type: 'speech_started'; atMs: number; heardMs: number }
  | { type: 'speech_ended'; startMs: number; endMs: number; atMs: number }
  /** Words so far (`final: false`, while the user speaks) or of the whole segment. */
  | {
      type: 'transcript';
      text: string;
      final: boolean;
      atMs: number;
      decodeMs: number;
      /** A partial sent the moment the user paused (the end is confirmed only later). */
      pause?: boolean;
    }
  /** One piece of a spoken reply: 16 kHz mono samples and their loudness per 20 ms. */
  | {
      type: 'spoken';
      id: string;
      samples: Float32Array;
      sampleRate: number;
      envelope: number[];
      synthMs: number;
    }
  | { type: 'speak_done'; id: string; cancelled: boolean; error?: string };

export type SpeechHandle = {
  send(message: ToSpeech): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
};

export type SpawnSpeech = () => SpeechHandle;
