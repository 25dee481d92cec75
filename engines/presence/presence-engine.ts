// L3 presence: a behaviour scheduler, not a renderer. It records what it hears on the bus as a
// log of input changes and, for each renderer that subscribes, computes frames from that log at
// the rate asked for (60 / 30 / 10 fps). Frames are a pure function of the log and the clock
// (compose.ts), so a recorded log replays to the same frames.
import {
  DisposableSet,
  frameRates,
  type BehaviorFrame,
  type Bus,
  type Clock,
  type EngineHealth,
  type FrameRate,
  type PresenceState,
  type TimerHandle,
  type TurnState,
} from '../bus/index.ts';
import { avatarHandlers, createAvatars, type AvatarDeps } from './avatar/avatars.ts';
import { frameAt } from './compose.ts';
import { DEFAULT_INPUTS, type InputChange, type PresenceInputs } from './inputs.ts';
import { listen } from './listen.ts';

const FOR_TURN: Record<TurnState, PresenceState> = {
  idle: 'idle',
  listening: 'listening',
  transcribing: 'listening',
  classifying: 'thinking',
  reflex: 'speaking',
  thinking: 'thinking',
  streaming: 'speaking',
  executing_tool: 'thinking',
  // Waiting for the user's answer: attentive, like listening.
  awaiting_approval: 'listening',
  speaking: 'speaking',
  // The user is talking over the reply: the companion listens.
  barged_in: 'listening',
  repairing: 'listening',
  error: 'concerned',
};

export function presenceFor(state: TurnState): PresenceState {
  return FOR_TURN[state];
}

/** Older changes are folded into one: by then every crossfade has finished. */
const KEEP_MS = 2000;

export type FrameOptions = { fps: FrameRate; reducedMotion: boolean };

export type PresenceDeps = {
  bus: Bus;
  clock: Clock;
  seed?: number;
  /** Where the 3D avatar is kept; without it (engine tests) there are no avatar commands. */
  store?: Pick<AvatarDeps, 'dataDir' | 'settings'>;
};

function fold(log: InputChange[], before: number): InputChange[] {
  const old = log.filter((c) => c.at < before);
  if (old.length < 2) return log;
  const set = old.reduce<Partial<PresenceInputs>>((all, c) => ({ ...all, ...c.set }), {});
  return [{ at: old.at(-1)!.at, set }, ...log.filter((c) => c.at >= before)];
}

/** The coarse state (`presence.state_changed`) the inspector shows, from the turn's. */
function stateEvents(deps: PresenceDeps, own: DisposableSet) {
  let state: PresenceState = 'idle';
  own.add(
    deps.bus.on('turn.state_changed', (event) => {
      const next = presenceFor(event.payload.state);
      if (next === state) return;
      const previous = state;
      state = next;
      deps.bus.emit(
        'presence.state_changed',
        { state, previous },
        { source: 'presence', changeId: event.changeId, turnId: event.turnId },
      );
    }),
  );
  return () => state;
}

export function createPresenceEngine(deps: PresenceDeps) {
  const own = new DisposableSet();
  const timers = new Set<TimerHandle>();
  let log: InputChange[] = [{ at: -Infinity, set: { ...DEFAULT_INPUTS, seed: deps.seed ?? 1 } }];
  let inputs: PresenceInputs = { ...DEFAULT_INPUTS, seed: deps.seed ?? 1 };
  let state: () => PresenceState = () => 'idle';
  const change = (set: Partial<PresenceInputs>) => {
    const at = deps.clock.monotonic();
    inputs = { ...inputs, ...set };
    log.push({ at, set });
    if (log.length > 64) log = fold(log, at - KEEP_MS);
  };
  const avatars = deps.store
    ? createAvatars({ ...deps.store, bus: deps.bus, clock: deps.clock })
    : null;
  const frame = (reducedMotion: boolean): BehaviorFrame => {
    const t = deps.clock.monotonic();
    return frameAt(log, t, reducedMotion ? { reducedMotion } : {});
  };
  return {
    start(): void {
      own.add(deps.bus.handle('presence.get_state', () => ({ state: state() })));
      if (avatars) own.add(deps.bus.handleAll(avatarHandlers(deps.bus, avatars)));
      state = stateEvents(deps, own);
      listen(deps.bus, own, () => inputs, change);
    },
    /** Frames at `fps` for one renderer, the first at once; returns the unsubscribe. */
    subscribe(options: FrameOptions, onFrame: (frame: BehaviorFrame) => void): () => void {
      const fps = frameRates.includes(options.fps) ? options.fps : 10;
      const tick = () => onFrame(frame(options.reducedMotion));
      const timer = deps.clock.setInterval(tick, 1000 / fps);
      timers.add(timer);
      tick();
      return () => {
        deps.clock.clearInterval(timer);
        timers.delete(timer);
      };
    },
    /** L5's executor for the avatar file (registered by the composition root). */
    executors: () => (avatars ? { 'avatar.import': avatars.importExecutor } : {}),
    /** The frame now, as a renderer at full motion would get it. */
    frame: () => frame(false),
    /** The input log as recorded (folded past two seconds): what frames are replayed from. */
    recorded: (): InputChange[] => log.map((c) => ({ ...c })),
    dispose(): void {
      for (const timer of timers) deps.clock.clearInterval(timer);
      timers.clear();
      own.dispose();
    },
    state: () => state(),
    health: (): EngineHealth => ({ state: 'ok', detail: state() }),
  };
}

export type PresenceEngine = ReturnType<typeof createPresenceEngine>;
