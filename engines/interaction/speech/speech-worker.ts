// The speech process: sherpa-onnx runs here, never in the host, because a model file it cannot
// use kills the process it is loaded in (VOICE-FACTS). It reports voice activity on the audio
// clock (onset, and each segment once its silence has lasted long enough), the words of each
// segment when a recogniser is installed, and says pieces of replies.
import { createRequire } from 'node:module';
import { createHistory } from './history.ts';
import type { FromSpeech, LoadConfig, ToSpeech, VadConfig, VoiceChoice } from './protocol.ts';
import { SAMPLE_RATE, WINDOW } from './protocol.ts';
import { createRecogniser, type Recogniser } from './recognise.ts';
import { createVoices, type Voices } from './synthesise.ts';

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
function send(message: FromSpeech): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}
const ms = (samples: number) => Math.round((samples * 1000) / SAMPLE_RATE);

/** The VAD clips the first consonant: recognise from this much earlier. */
const PRE_ROLL = 0.3 * SAMPLE_RATE;
/** Partial words while the user speaks, this often (in samples of audio). */
const PARTIAL_EVERY = 0.6 * SAMPLE_RATE;

let vad: SherpaVad | null = null;
/** The same audio at the surer threshold, for speech over a playing reply. */
let sureVad: SherpaVad | null = null;
let overReply = { holdSamples: 0, playing: false };
let sureFrom = -1; // where the sure VAD's current speech began, or -1
let recogniser: Recogniser | null = null;
let voices: Voices | null = null;
const history = createHistory(30 * SAMPLE_RATE);
let speechFrom = -1; // where the current utterance began (with pre-roll); -1 until it counts
let lastPartial = 0;
let lastWords = ''; // the partial words last sent
let pending = new Float32Array(0);
const cancelled = new Set<string>();

type Listening = Pick<VadConfig, 'model' | 'threshold' | 'minSilenceMs' | 'minSpeechMs'>;

function createVad(config: Listening): SherpaVad {
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
  return new Vad({ sileroVad: silero, sampleRate: SAMPLE_RATE, numThreads: 1, debug: false }, 60);
}

/** The VAD must load; a recogniser or voice that does not is said, and voice goes on without it. */
async function load(config: LoadConfig): Promise<void> {
  try {
    const { overReply: over, ...listening } = config.vad;
    vad = createVad(listening);
    // Silero detects only once speech has lasted minSpeech; a short silence ends it, so it says
    // "sure speech, lasting" now rather than holding on through the pause after a click.
    sureVad = createVad({
      ...listening,
      threshold: over.threshold,
      minSpeechMs: over.holdMs,
      minSilenceMs: 64,
    });
    overReply = { holdSamples: (over.holdMs * SAMPLE_RATE) / 1000, playing: false };
  } catch (error) {
    return send({ type: 'load_failed', message: (error as Error).message });
  }
  const problems: string[] = [];
  if (config.recogniser)
    try {
      recogniser = createRecogniser(config.recogniser);
    } catch (error) {
      problems.push(`the speech recogniser did not load: ${(error as Error).message}`);
    }
  try {
    voices = await createVoices(config.fliteWasm, config.voices);
    problems.push(...voices.problems);
  } catch (error) {
    problems.push(`no voice could be loaded: ${(error as Error).message}`);
  }
  const ids = voices ? ['flite:slt', ...voices.ids()] : [];
  send({ type: 'ready', recogniser: recogniser !== null, voices: ids, problems });
}

/** The words of samples [from, to): a streaming recogniser has them already, as it heard them. */
function transcribe(from: number, to: number, final: boolean, pause = false): void {
  if (!recogniser) return;
  const heard = !recogniser.streaming
    ? recogniser.decode(history.slice(from, to))
    : final
      ? recogniser.end()
      : recogniser.text(pause);
  if (!final && !pause && heard.text === lastWords) return;
  lastWords = final ? '' : heard.text;
  const atMs = ms(history.end());
  send({ type: 'transcript', ...heard, final, atMs, ...(pause ? { pause } : {}) });
}

/** Partial words: a streaming recogniser's whenever they change, an offline one's this often. */
function partialDue(fed: number): boolean {
  return recogniser?.streaming === true || fed - lastPartial >= PARTIAL_EVERY;
}

/** How long the speech has lasted when it counts: while a reply plays, once sure and lasting. */
function heardSoFar(fed: number): number | null {
  if (!vad!.isDetected()) return null;
  if (!overReply.playing) return 0;
  return sureFrom < 0 ? null : fed - sureFrom;
}

/**
 * The sure VAD ends ~100 ms after speech stops, well before the segment does (250 ms of
 * silence): then the words so far are sent at once, so the reply's prompt can be read while the
 * end is being confirmed.
 */
function followSure(samples: Float32Array, fed: number): void {
  sureVad!.acceptWaveform(samples);
  while (!sureVad!.isEmpty()) sureVad!.pop(); // only its onsets and ends are used
  if (sureVad!.isDetected()) {
    if (sureFrom < 0) sureFrom = fed - overReply.holdSamples;
    return;
  }
  if (sureFrom >= 0 && speechFrom >= 0 && !overReply.playing)
    transcribe(speechFrom, fed, false, true);
  sureFrom = -1;
}

/** The VAD's finished segments; one that never counted (the reply's echo) leaves no trace. */
function endSegments(fed: number): void {
  while (!vad!.isEmpty()) {
    const segment = vad!.front();
    vad!.pop();
    const counted = speechFrom >= 0;
    speechFrom = -1;
    if (!counted) continue;
    const startMs = ms(segment.start);
    const endMs = startMs + ms(segment.samples.length);
    send({ type: 'speech_ended', startMs, endMs, atMs: ms(fed) });
    transcribe(segment.start - PRE_ROLL, segment.start + segment.samples.length, true);
  }
}

/** One Silero window (512 samples) through the VADs, and what they now say. */
function acceptWindow(samples: Float32Array): void {
  vad!.acceptWaveform(samples);
  history.push(samples);
  const fed = history.end();
  if (speechFrom >= 0 && recogniser?.streaming) recogniser.accept(samples);
  followSure(samples, fed);
  const heard = speechFrom >= 0 ? null : heardSoFar(fed);
  if (heard !== null) {
    speechFrom = Math.max(0, fed - heard - WINDOW * 4 - PRE_ROLL);
    lastPartial = fed;
    lastWords = '';
    if (recogniser?.streaming) {
      recogniser.begin();
      recogniser.accept(history.slice(speechFrom, fed));
    }
    send({ type: 'speech_started', atMs: ms(fed), heardMs: ms(heard) });
  } else if (speechFrom >= 0 && partialDue(fed)) {
    lastPartial = fed;
    transcribe(speechFrom, fed, false);
  }
  endSegments(fed);
  if (!vad!.isDetected() && vad!.isEmpty()) speechFrom = -1;
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

async function speak(id: string, text: string, choice: VoiceChoice): Promise<void> {
  if (!voices) return send({ type: 'speak_done', id, cancelled: false, error: 'no voice' });
  const started = performance.now();
  try {
    await voices.say(text, choice, (piece) => {
      if (cancelled.has(id)) return false;
      send({ type: 'spoken', id, ...piece, synthMs: Math.round(performance.now() - started) });
      return true;
    });
    send({ type: 'speak_done', id, cancelled: cancelled.delete(id) });
  } catch (error) {
    send({ type: 'speak_done', id, cancelled: false, error: (error as Error).message });
  }
}

function onMessage(message: ToSpeech): void {
  if (message.type === 'load') void load(message.config);
  else if (message.type === 'audio') audio(message.samples);
  else if (message.type === 'speak') void speak(message.id, message.text, message.choice);
  else if (message.type === 'reply_playing') overReply.playing = message.on;
  else if (message.type === 'cancel') {
    // A cancel that came after its piece was said is forgotten eventually, not kept forever.
    if (cancelled.size > 100) cancelled.clear();
    cancelled.add(message.id);
  }
}

if (parentPort) parentPort.on('message', (e) => onMessage(e.data));
else {
  process.on('message', onMessage);
  process.on('disconnect', () => process.exit(0));
}
