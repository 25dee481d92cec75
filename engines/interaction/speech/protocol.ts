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
};

export type ToSpeech = { type: 'load'; vad: VadConfig } | { type: 'audio'; samples: Float32Array };

export type FromSpeech =
  | { type: 'ready' }
  | { type: 'load_failed'; message: string }
  /** Times are in ms of audio fed since load (the audio clock, not the wall clock). */
  | { type: 'speech_started'; atMs: number }
  | { type: 'speech_ended'; startMs: number; endMs: number; atMs: number };

export type SpeechHandle = {
  send(message: ToSpeech): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
};

export type SpawnSpeech = () => SpeechHandle;
