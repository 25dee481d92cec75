// The host's side of the speech process: its model checked by SHA-256 before anything loads it,
// audio in (checked), voice activity out, and a process that dies reported as degraded and
// started again with backoff — never taking the host with it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { AetherError, type Clock, type EngineHealth } from '../../bus/index.ts';
import type { FromSpeech, SpawnSpeech, SpeechHandle, VadConfig } from './protocol.ts';
import { SAMPLE_RATE } from './protocol.ts';

export type Activity = Exclude<FromSpeech, { type: 'ready' | 'load_failed' }>;

export type SpeechDeps = {
  spawn: SpawnSpeech;
  vad: VadConfig & { sha256: string };
  clock: Clock;
  onActivity: (activity: Activity) => void;
  /** Hears every change of health (started, degraded, restarted). */
  onHealth?: (health: EngineHealth) => void;
  /** How many times a dead process is started again before giving up. */
  maxRestarts?: number;
};

/** At most two seconds of audio a message: larger frames are refused, not buffered. */
export const MAX_FRAME_SAMPLES = 2 * SAMPLE_RATE;

type Speech = {
  deps: SpeechDeps;
  handle: SpeechHandle | null;
  health: EngineHealth;
  restarts: number;
  disposed: boolean;
};

function setHealth(s: Speech, health: EngineHealth): void {
  s.health = health;
  s.deps.onHealth?.(health);
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function onMessage(s: Speech, message: FromSpeech, loaded: (error: Error | null) => void): void {
  if (message.type === 'ready') {
    setHealth(s, { state: 'ok', detail: 'voice activity detection ready' });
    return loaded(null);
  }
  if (message.type === 'load_failed')
    return loaded(
      new AetherError('ModelLoadFailed', `the VAD model did not load: ${message.message}`),
    );
  s.deps.onActivity(message);
}

/** A process that died is started again after 250 ms, 500 ms, 1 s … until the limit. */
function onExit(s: Speech, handle: SpeechHandle, code: number | null): void {
  if (s.disposed || s.handle !== handle) return;
  s.handle = null;
  const limit = s.deps.maxRestarts ?? 5;
  if (s.restarts >= limit) {
    setHealth(s, {
      state: 'degraded',
      detail: `the speech process stopped ${limit + 1} times; voice is off`,
    });
    return;
  }
  setHealth(s, {
    state: 'degraded',
    detail: `the speech process stopped (exit ${code}); starting it again`,
  });
  const delay = 250 * 2 ** s.restarts++;
  s.deps.clock.setTimeout(() => void start(s).catch(() => {}), delay, { background: true });
}

async function start(s: Speech): Promise<void> {
  const { vad } = s.deps;
  const actual = await sha256Of(vad.model).catch(() => null);
  if (actual !== vad.sha256) {
    setHealth(s, {
      state: 'degraded',
      detail: 'the VAD model is not the one expected; it was not loaded',
    });
    throw new AetherError(
      'ChecksumMismatch',
      actual
        ? `the VAD model's SHA-256 is ${actual.slice(0, 12)}…, not the one expected`
        : 'the VAD model is missing',
    );
  }
  if (s.disposed) return;
  const handle = s.deps.spawn();
  s.handle = handle;
  setHealth(s, { state: 'starting' });
  const { model, threshold, minSilenceMs, minSpeechMs } = vad;
  await new Promise<void>((resolve, reject) => {
    handle.onMessage((m) => onMessage(s, m as FromSpeech, (e) => (e ? reject(e) : resolve())));
    handle.onExit((code) => {
      reject(new AetherError('ModelCrashed', `the speech process stopped (exit ${code})`));
      onExit(s, handle, code);
    });
    handle.send({ type: 'load', vad: { model, threshold, minSilenceMs, minSpeechMs } });
  });
  s.restarts = 0;
}

function feed(s: Speech, samples: unknown): void {
  if (!(samples instanceof Float32Array))
    throw new AetherError('BadRequest', 'audio must be 16 kHz mono float samples');
  if (samples.length > MAX_FRAME_SAMPLES)
    throw new AetherError(
      'BadRequest',
      `an audio frame may hold at most ${MAX_FRAME_SAMPLES} samples`,
    );
  if (!s.handle || s.health.state !== 'ok')
    throw new AetherError('Unsupported', 'voice activity detection is not running');
  s.handle.send({ type: 'audio', samples });
}

export function createSpeech(deps: SpeechDeps) {
  const s: Speech = {
    deps,
    handle: null,
    health: { state: 'starting' },
    restarts: 0,
    disposed: false,
  };
  return {
    /** Checks the model and starts the process; resolves once it listens. */
    start: () => start(s),
    feed: (samples: unknown) => feed(s, samples),
    health: (): EngineHealth => s.health,
    dispose(): void {
      s.disposed = true;
      s.handle?.kill();
      s.handle = null;
    },
  };
}

export type SpeechProcess = ReturnType<typeof createSpeech>;
