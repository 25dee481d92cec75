// L1's ears: audio frames from the transport (16 kHz mono int16, binary), checked for size and
// rate, go to the speech process, which is started on the first frame; what it hears becomes
// `voice.activity`, and its health `voice.status_changed`.
import {
  AetherError,
  type Bus,
  type Clock,
  type EngineHealth,
  type VoiceStatus,
} from '../bus/index.ts';
import { SAMPLE_RATE, type SpawnSpeech, type VadConfig } from './speech/protocol.ts';
import { createSpeech, MAX_FRAME_SAMPLES, type SpeechProcess } from './speech/speech-process.ts';

export type VoiceDeps = {
  bus: Bus;
  clock: Clock;
  /** Without one (no speech process in this host) voice stays off. */
  speech?: { spawn: SpawnSpeech; vad: VadConfig & { sha256: string } };
};

/** Two seconds of int16 audio at most in one frame. */
export const MAX_FRAME_BYTES = MAX_FRAME_SAMPLES * 2;
/** Audio may arrive a little faster than real time (jitter, one full frame at once), not more. */
const REFILL_PER_MS = (SAMPLE_RATE * 1.5) / 1000;
const BURST = MAX_FRAME_SAMPLES + SAMPLE_RATE;

type Voice = {
  deps: VoiceDeps;
  speech: SpeechProcess | null;
  status: VoiceStatus;
  /** Frames that arrived while the process started. */
  waiting: Float32Array[];
  /** Samples that may arrive now (a bucket that refills at 1.5× real time). */
  credit: { samples: number; at: number };
};

const STATE: Record<EngineHealth['state'], VoiceStatus['state']> = {
  ok: 'ready',
  starting: 'starting',
  degraded: 'degraded',
  error: 'degraded',
  stopped: 'off',
};

function setStatus(v: Voice, health: EngineHealth): void {
  const status = { state: STATE[health.state], detail: health.detail ?? null };
  if (status.state === v.status.state && status.detail === v.status.detail) return;
  v.status = status;
  v.deps.bus.emit('voice.status_changed', status, { source: 'interaction' });
}

function startSpeech(v: Voice): void {
  const { speech } = v.deps;
  if (!speech || v.speech) return;
  setStatus(v, { state: 'starting' });
  v.speech = createSpeech({
    ...speech,
    clock: v.deps.clock,
    onHealth: (h) => setStatus(v, h),
    onActivity: (a) => {
      const { type: kind, ...at } = a;
      v.deps.bus.emit('voice.activity', { kind, ...at } as never, { source: 'interaction' });
    },
  });
  v.speech
    .start()
    .then(() => {
      for (const frame of v.waiting.splice(0)) v.speech?.feed(frame);
    })
    .catch(() => {
      v.waiting = []; // the status says why
    });
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

function audio(v: Voice, frame: Uint8Array): void {
  if (!v.deps.speech) throw new AetherError('Unsupported', 'this host has no speech process');
  const samples = samplesOf(v, frame);
  startSpeech(v);
  if (v.status.state === 'ready') v.speech!.feed(samples);
  else if (v.status.state === 'starting' && v.waiting.length < 100) v.waiting.push(samples);
}

export function createVoice(deps: VoiceDeps) {
  const v: Voice = {
    deps,
    speech: null,
    status: { state: 'off', detail: deps.speech ? null : 'no speech process in this host' },
    waiting: [],
    credit: { samples: BURST, at: deps.clock.monotonic() },
  };
  return {
    status: () => v.status,
    audio: (frame: Uint8Array) => audio(v, frame),
    dispose(): void {
      v.speech?.dispose();
      v.speech = null;
    },
  };
}
