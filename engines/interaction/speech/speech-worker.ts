// The speech process: sherpa-onnx runs here, never in the host, because a model file it cannot
// use kills the process it is loaded in (VOICE-FACTS). It reports voice activity on the audio
// clock: onset, and each segment once its silence has lasted long enough.
import { createRequire } from 'node:module';
import type { FromSpeech, ToSpeech, VadConfig } from './protocol.ts';
import { SAMPLE_RATE, WINDOW } from './protocol.ts';

type Segment = { start: number; samples: Float32Array };
type SherpaVad = {
  acceptWaveform(samples: Float32Array): void;
  isDetected(): boolean;
  isEmpty(): boolean;
  front(): Segment;
  pop(): void;
};

// Not named `require`: the desktop bundle defines its own (electron-vite's ESM shim).
const nativeRequire = createRequire(import.meta.url);
// Forked headless (process.send), or an Electron utility process in the desktop app (parentPort).
type ParentPort = {
  postMessage(message: unknown): void;
  on(event: 'message', fn: (e: { data: ToSpeech }) => void): void;
};
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
const send = (message: FromSpeech) =>
  parentPort ? parentPort.postMessage(message) : process.send?.(message);
const ms = (samples: number) => Math.round((samples * 1000) / SAMPLE_RATE);

let vad: SherpaVad | null = null;
let fed = 0;
let speaking = false;
let pending = new Float32Array(0);

function load(config: VadConfig): void {
  try {
    const { Vad } = nativeRequire('sherpa-onnx-node') as {
      Vad: new (c: unknown, s: number) => SherpaVad;
    };
    const silero = {
      model: config.model,
      threshold: config.threshold,
      minSilenceDuration: config.minSilenceMs / 1000,
      minSpeechDuration: config.minSpeechMs / 1000,
      windowSize: WINDOW,
    };
    vad = new Vad({ sileroVad: silero, sampleRate: SAMPLE_RATE, numThreads: 1, debug: false }, 60);
    send({ type: 'ready' });
  } catch (error) {
    send({ type: 'load_failed', message: (error as Error).message });
  }
}

/** One Silero window (512 samples) through the VAD, and what it now says. */
function acceptWindow(samples: Float32Array): void {
  vad!.acceptWaveform(samples);
  fed += samples.length;
  const detected = vad!.isDetected();
  if (detected && !speaking) send({ type: 'speech_started', atMs: ms(fed) });
  speaking = detected;
  while (!vad!.isEmpty()) {
    const segment = vad!.front();
    const startMs = ms(segment.start);
    send({
      type: 'speech_ended',
      startMs,
      endMs: startMs + ms(segment.samples.length),
      atMs: ms(fed),
    });
    vad!.pop();
  }
}

function audio(samples: Float32Array): void {
  if (!vad) return;
  const all = new Float32Array(pending.length + samples.length);
  all.set(pending);
  all.set(samples, pending.length);
  let at = 0;
  for (; at + WINDOW <= all.length; at += WINDOW) acceptWindow(all.subarray(at, at + WINDOW));
  pending = all.slice(at);
}

function onMessage(message: ToSpeech): void {
  if (message.type === 'load') load(message.vad);
  else if (message.type === 'audio') audio(message.samples);
}

if (parentPort) parentPort.on('message', (e) => onMessage(e.data));
else {
  process.on('message', onMessage);
  process.on('disconnect', () => process.exit(0));
}
