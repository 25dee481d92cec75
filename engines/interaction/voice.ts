// L1's ears and the speech process's life: audio frames from the transport (16 kHz mono int16,
// binary), checked for size and rate, go to the speech process, which starts on the first frame
// (or when replies are to be spoken); what it hears becomes `voice.activity` and
// `voice.transcript`, its health and abilities `voice.status_changed`.
import {
  AetherError,
  type Bus,
  type Clock,
  type EngineHealth,
  type VoiceStatus,
} from '../bus/index.ts';
import type { Level } from './echo.ts';
import { envelopeOf } from './speech/envelope.ts';
import { SAMPLE_RATE, type SpawnSpeech, type VadConfig } from './speech/protocol.ts';
import {
  createSpeech,
  MAX_FRAME_SAMPLES,
  type Heard,
  type SpeechProcess,
} from './speech/speech-process.ts';

export type SpeechSetup = {
  spawn: SpawnSpeech;
  vad: VadConfig & { sha256: string };
  fliteWasm: string;
  /** Speech pack folders to load (installed packs and `--speech DIR`), read at each start. */
  packs?: () => string[];
};

export type VoiceDeps = {
  bus: Bus;
  clock: Clock;
  /** Without one (no speech process in this host) voice stays off. */
  speech?: SpeechSetup;
  /** What the speech process says it said (spoken pieces, their end). */
  onSaid: (heard: Extract<Heard, { type: 'spoken' | 'speak_done' }>) => void;
};

/** Two seconds of int16 audio at most in one frame. */
export const MAX_FRAME_BYTES = MAX_FRAME_SAMPLES * 2;
/** Audio may arrive a little faster than real time (jitter, one full frame at once), not more. */
const REFILL_PER_MS = (SAMPLE_RATE * 1.5) / 1000;
const BURST = MAX_FRAME_SAMPLES + SAMPLE_RATE;

type Voice = {
  deps: VoiceDeps;
  speech: SpeechProcess | null;
  ready: Promise<void> | null;
  status: VoiceStatus;
  /** Frames that arrived while the process started. */
  waiting: Float32Array[];
  /** Samples that may arrive now (a bucket that refills at 1.5× real time). */
  credit: { samples: number; at: number };
  /** The microphone's loudness per 20 ms over the last seconds (monotonic ms), for echo checks. */
  levels: Level[];
  /** The pack folders the running process was started with. */
  packs: string[];
};

const STATE: Record<EngineHealth['state'], VoiceStatus['state']> = {
  ok: 'ready',
  starting: 'starting',
  degraded: 'degraded',
  error: 'degraded',
  stopped: 'off',
};

function setStatus(v: Voice, change: Partial<VoiceStatus>): void {
  const abilities = v.speech?.abilities();
  const status = { ...v.status, ...abilities, ...change };
  if (JSON.stringify(status) === JSON.stringify(v.status)) return;
  v.status = status;
  v.deps.bus.emit('voice.status_changed', status, { source: 'interaction' });
}

function onHeard(v: Voice, heard: Heard): void {
  const meta = { source: 'interaction' } as const;
  if (heard.type === 'spoken' || heard.type === 'speak_done') return v.deps.onSaid(heard);
  if (heard.type === 'transcript') {
    const { type: _, ...transcript } = heard;
    v.deps.bus.emit('voice.transcript', transcript, meta);
    return;
  }
  const { type: kind, ...at } = heard;
  v.deps.bus.emit('voice.activity', { kind, ...at } as never, meta);
}

/** Starts the speech process once; resolves when it runs (rejects when it cannot). */
function ensure(v: Voice): Promise<void> {
  const { speech } = v.deps;
  if (!speech) return Promise.reject(new AetherError('Unsupported', 'no speech process'));
  if (v.ready) return v.ready;
  setStatus(v, { state: 'starting' });
  v.packs = speech.packs?.() ?? [];
  v.speech = createSpeech({
    ...speech,
    packs: v.packs,
    clock: v.deps.clock,
    onHealth: (h) => setStatus(v, { state: STATE[h.state], detail: h.detail ?? null }),
    onHeard: (heard) => onHeard(v, heard),
  });
  v.ready = v.speech.start().then(() => {
    for (const frame of v.waiting.splice(0)) v.speech?.feed(frame);
  });
  v.ready.catch(() => {
    v.waiting = []; // the status says why
  });
  return v.ready;
}

/** int16 little-endian → float samples, after the checks a frame must pass. */
function samplesOf(v: Voice, frame: Uint8Array): Float32Array {
  if (frame.length === 0 || frame.length % 2 !== 0)
    throw new AetherError('BadRequest', 'an audio frame is 16-bit samples: an even, non-zero size');
  if (frame.length > MAX_FRAME_BYTES)
    throw new AetherError('BadRequest', `an audio frame may hold at most ${MAX_FRAME_BYTES} bytes`);
  const now = v.deps.clock.monotonic();
  const credit = Math.min(BURST, v.credit.samples + (now - v.credit.at) * REFILL_PER_MS);
  v.credit = { samples: credit, at: now };
  if (frame.length / 2 > credit)
    throw new AetherError('BadRequest', 'audio arrives faster than real time; frames are dropped');
  v.credit.samples -= frame.length / 2;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const out = new Float32Array(frame.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true) / 32768;
  return out;
}

/** Loudness per 20 ms of a frame that just arrived (its last 20 ms arrived now). */
function keepLevels(v: Voice, samples: Float32Array): void {
  const now = v.deps.clock.monotonic();
  const levels = envelopeOf(samples, SAMPLE_RATE);
  levels.forEach((rms, c) => v.levels.push({ at: now - (levels.length - 1 - c) * 20, rms }));
  if (v.levels.length > 250) v.levels.splice(0, v.levels.length - 150);
}

function audio(v: Voice, frame: Uint8Array): void {
  if (!v.deps.speech) throw new AetherError('Unsupported', 'this host has no speech process');
  const samples = samplesOf(v, frame);
  keepLevels(v, samples);
  void ensure(v).catch(() => {});
  if (v.status.state === 'ready') v.speech!.feed(samples);
  else if (v.status.state === 'starting' && v.waiting.length < 100) v.waiting.push(samples);
}

export function createVoice(deps: VoiceDeps) {
  const v: Voice = {
    deps,
    speech: null,
    ready: null,
    status: {
      state: 'off',
      detail: deps.speech ? null : 'no speech process in this host',
      recogniser: false,
      voices: [],
      problems: [],
      speak: false,
    },
    waiting: [],
    credit: { samples: BURST, at: deps.clock.monotonic() },
    levels: [],
    packs: [],
  };
  return {
    status: () => v.status,
    audio: (frame: Uint8Array) => audio(v, frame),
    levels: (): readonly Level[] => v.levels,
    /** The running speech process (started if need be), or null when voice cannot run. */
    process: async (): Promise<SpeechProcess | null> =>
      ensure(v).then(
        () => v.speech,
        () => null,
      ),
    setSpeak: (speak: boolean) => setStatus(v, { speak }),
    /** Packs were installed or removed: a running speech process starts again with them. */
    async reload(): Promise<void> {
      const packs = deps.speech?.packs?.() ?? [];
      if (!v.speech || packs.join('\n') === v.packs.join('\n')) return;
      v.speech.dispose();
      v.speech = null;
      v.ready = null;
      await ensure(v).catch(() => {});
    },
    dispose(): void {
      v.speech?.dispose();
      v.speech = null;
    },
  };
}
