// The host's side of the speech process: its models checked by SHA-256 before anything loads
// them, audio in (checked), what it hears and says out, and a process that dies reported as
// degraded and started again with backoff — never taking the host with it.
import { AetherError, type Clock, type EngineHealth } from '../../bus/index.ts';
import { readPack, sha256Of, type SpeechPack } from './pack.ts';
import type {
  FromSpeech,
  LoadConfig,
  SpawnSpeech,
  SpeechHandle,
  VadConfig,
  VoiceChoice,
} from './protocol.ts';
import { SAMPLE_RATE } from './protocol.ts';

/** What the speech process reports once it runs: activity, words, and spoken pieces. */
export type Heard = Exclude<FromSpeech, { type: 'ready' | 'load_failed' }>;
export type Activity = Extract<Heard, { type: 'speech_started' | 'speech_ended' }>;

/** What loaded: whether words can be recognised, which voices speak, and what went wrong. */
export type SpeechAbilities = { recogniser: boolean; voices: string[]; problems: string[] };

export type SpeechDeps = {
  spawn: SpawnSpeech;
  vad: VadConfig & { sha256: string };
  /** The embedded voice's WebAssembly. */
  fliteWasm: string;
  /** Speech pack folders (recognisers, voices), each checked before it is used. */
  packs?: string[];
  clock: Clock;
  onHeard: (heard: Heard) => void;
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
  abilities: SpeechAbilities;
  restarts: number;
  disposed: boolean;
};

function setHealth(s: Speech, health: EngineHealth): void {
  s.health = health;
  s.deps.onHealth?.(health);
}

function onMessage(s: Speech, message: FromSpeech, loaded: (error: Error | null) => void): void {
  if (message.type === 'ready') {
    const { type: _, ...abilities } = message;
    s.abilities = { ...abilities, problems: [...s.abilities.problems, ...abilities.problems] };
    const detail = abilities.recogniser
      ? 'listening, words recognised'
      : 'listening, no recogniser';
    setHealth(s, { state: 'ok', detail });
    return loaded(null);
  }
  if (message.type === 'load_failed')
    return loaded(
      new AetherError('ModelLoadFailed', `the VAD model did not load: ${message.message}`),
    );
  s.deps.onHeard(message);
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

async function checkVad(s: Speech): Promise<void> {
  const { vad } = s.deps;
  const actual = await sha256Of(vad.model).catch(() => null);
  if (actual === vad.sha256) return;
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

/** The packs that pass their checks; the others are said in `problems`, not loaded. */
async function packsOf(s: Speech): Promise<SpeechPack[]> {
  const packs: SpeechPack[] = [];
  for (const dir of s.deps.packs ?? []) {
    try {
      packs.push(await readPack(dir));
    } catch (error) {
      s.abilities.problems.push(
        `the speech pack in ${dir} was not loaded: ${(error as Error).message}`,
      );
    }
  }
  return packs;
}

/** One recogniser listens: a streaming one if a pack has it (words while the user speaks). */
function recogniserOf(packs: SpeechPack[]) {
  const all = packs.flatMap((p) => (p.recogniser ? [p.recogniser] : []));
  return all.find((r) => r.kind === 'streaming-transducer') ?? all[0] ?? null;
}

async function start(s: Speech): Promise<void> {
  await checkVad(s);
  s.abilities = { recogniser: false, voices: [], problems: [] };
  const packs = await packsOf(s);
  if (s.disposed) return;
  const { model, threshold, minSilenceMs, minSpeechMs, overReply } = s.deps.vad;
  const config: LoadConfig = {
    vad: { model, threshold, minSilenceMs, minSpeechMs, overReply },
    recogniser: recogniserOf(packs),
    voices: packs.flatMap((p) => p.voices),
    fliteWasm: s.deps.fliteWasm,
  };
  const handle = s.deps.spawn();
  s.handle = handle;
  setHealth(s, { state: 'starting' });
  await new Promise<void>((resolve, reject) => {
    handle.onMessage((m) => onMessage(s, m as FromSpeech, (e) => (e ? reject(e) : resolve())));
    handle.onExit((code) => {
      reject(new AetherError('ModelCrashed', `the speech process stopped (exit ${code})`));
      onExit(s, handle, code);
    });
    handle.send({ type: 'load', config });
  });
  s.restarts = 0;
}

function running(s: Speech): SpeechHandle {
  if (!s.handle || s.health.state !== 'ok')
    throw new AetherError('Unsupported', 'the speech process is not running');
  return s.handle;
}

function feed(s: Speech, samples: unknown): void {
  if (!(samples instanceof Float32Array))
    throw new AetherError('BadRequest', 'audio must be 16 kHz mono float samples');
  if (samples.length > MAX_FRAME_SAMPLES)
    throw new AetherError(
      'BadRequest',
      `an audio frame may hold at most ${MAX_FRAME_SAMPLES} samples`,
    );
  running(s).send({ type: 'audio', samples });
}

export function createSpeech(deps: SpeechDeps) {
  const s: Speech = {
    deps,
    handle: null,
    health: { state: 'starting' },
    abilities: { recogniser: false, voices: [], problems: [] },
    restarts: 0,
    disposed: false,
  };
  return {
    /** Checks the models and starts the process; resolves once it listens. */
    start: () => start(s),
    feed: (samples: unknown) => feed(s, samples),
    /** Says a piece of a reply; what is said comes back as `spoken`, then `speak_done`. */
    speak: (id: string, text: string, choice: VoiceChoice) =>
      running(s).send({ type: 'speak', id, text, choice }),
    cancel: (id: string) => s.handle?.send({ type: 'cancel', id }),
    /** A reply is playing or not; a process started again hears as if none were. */
    replyPlaying: (on: boolean) => s.handle?.send({ type: 'reply_playing', on }),
    health: (): EngineHealth => s.health,
    abilities: (): SpeechAbilities => s.abilities,
    dispose(): void {
      s.disposed = true;
      s.handle?.kill();
      s.handle = null;
    },
  };
}

export type SpeechProcess = ReturnType<typeof createSpeech>;
