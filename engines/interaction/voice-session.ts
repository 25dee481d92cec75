// Voice in a conversation: what the ears hear moves the turn machine (listening, transcribing,
// barge-in over a spoken reply), the mouth says replies while output is on, and the voice
// commands. Barge-in has two stages (VOICE-FACTS): speech onset over the reply ducks it at once;
// speech that lasts (≥ 300 ms) stops it, cancels the generation and keeps what was heard.
import type {
  Bus,
  Clock,
  DisposableSet,
  HandlersFor,
  TimerHandle,
  TurnState,
} from '../bus/index.ts';
import { ECHO_CORRELATION, echoScore } from './echo.ts';
import { createPreview } from './preview.ts';
import { createSpeaker } from './speaker.ts';
import { FLITE_VOICES } from './speech/flite-voices.ts';
import type { VoiceChoice } from './speech/protocol.ts';
import type { SpeechProcess } from './speech/speech-process.ts';
import type { TurnEvent } from './turn-events.ts';
import type { TurnRunner } from './turn-runner.ts';
import { createVoice, type SpeechSetup } from './voice.ts';

/** Speech over the reply for this long is the user taking the turn, not a cough. */
export const BARGE_IN_SPEECH_MS = 300;

const NO_RECOGNISER =
  'I heard you speak, but no speech recogniser is installed yet, so I could not get the words: ' +
  'add the speech pack in the Models tab. Typing always works.';
const NO_WORDS = 'I heard something but could not make out any words. Try again, or type.';

export type VoiceSessionDeps = {
  bus: Bus;
  clock: Clock;
  speech?: SpeechSetup;
  runner: TurnRunner;
  machine: { state(): TurnState; turnId(): string | null; send(event: TurnEvent): void };
};

/**
 * The persona's voice: the embedded flite voices by name, a pack voice by id, else flite's slt;
 * null for a persona that does not speak (`engine: none`).
 */
async function choiceOf(bus: Bus, voices: () => string[]): Promise<VoiceChoice | null> {
  const { voice } = await bus.invoke('persona.get_active', {}).catch(() => ({
    voice: { engine: 'flite', voiceId: 'slt', speed: 1, pitch: 1 },
  }));
  if (voice.engine === 'none') return null;
  const flite = (FLITE_VOICES as readonly string[]).includes(voice.voiceId);
  const id = voices().includes(voice.voiceId)
    ? voice.voiceId
    : `flite:${flite ? voice.voiceId : 'slt'}`;
  return { voice: id, speed: voice.speed, pitch: voice.pitch };
}

type SaidBy = Parameters<typeof createVoice>[0]['onSaid'];

/** What a preview says unless told: the persona's first greeting. */
async function sampleLine(bus: Bus): Promise<string> {
  const persona = await bus.invoke('persona.get_active', {}).catch(() => null);
  return persona?.phrases.greetings[0] ?? 'Hello! This is how I sound.';
}

type Session = {
  deps: VoiceSessionDeps;
  voice: ReturnType<typeof createVoice>;
  speaker: ReturnType<typeof createSpeaker>;
  preview: ReturnType<typeof createPreview>;
  speech: SpeechProcess | null;
  lastSpeechEnd: number | null;
  confirm: TimerHandle | null;
  /** Speech heard over the reply since it was ducked. */
  voicedMs: number;
  /** What the speech process was last told: a reply is playing. */
  replyPlaying: boolean;
  listeners: Set<(frame: Uint8Array) => void>;
};

function clearConfirm(s: Session): void {
  if (s.confirm) s.deps.clock.clearTimeout(s.confirm);
  s.confirm = null;
}

/** The microphone hears the reply itself (from the speakers), not the user. */
function hearsEcho(s: Session): boolean {
  const now = s.deps.clock.monotonic();
  const score = echoScore([...s.voice.levels()], (at) => s.speaker.playedLevel(at), now);
  return score >= ECHO_CORRELATION;
}

/** Clearly the user taking the turn: the reply stops. The companion's own echo does not count. */
function confirmBargeIn(s: Session): void {
  if (s.deps.machine.state() !== 'barged_in') return;
  if (hearsEcho(s)) {
    // Its own voice: that speech does not count towards the user's.
    s.voicedMs = 0;
    return s.speaker.control('unduck');
  }
  s.deps.machine.send({ type: 'BARGE_CONFIRMED' });
}

/**
 * Speech begins: the user starts a turn, or speaks over the reply (duck, then confirm once the
 * speech since the duck adds up to BARGE_IN_SPEECH_MS: "wait, … stop" counts as one). Over the
 * reply, speech counts only once it has lasted a while (`heardMs`): that part counts too.
 */
function onStarted(s: Session, heardMs: number): void {
  const { machine, clock } = s.deps;
  const state = machine.state();
  if (state !== 'speaking' && state !== 'barged_in')
    return machine.send({ type: 'LISTEN_STARTED' });
  if (state === 'speaking') {
    machine.send({ type: 'USER_SPEECH' });
    s.voicedMs = 0;
  }
  s.voicedMs += heardMs;
  clearConfirm(s);
  const wait = Math.max(0, BARGE_IN_SPEECH_MS - s.voicedMs);
  s.confirm = clock.setTimeout(() => {
    s.confirm = null;
    confirmBargeIn(s);
  }, wait);
}

function nothingHeard(s: Session, message: string): void {
  s.deps.machine.send({ type: 'NOTHING_HEARD' });
  const reason = message === NO_RECOGNISER ? 'no-recogniser' : 'no-words';
  s.deps.bus.emit('voice.not_understood', { reason, message }, { source: 'interaction' });
}

function onEnded(s: Session, startMs: number, endMs: number): void {
  const { machine } = s.deps;
  s.lastSpeechEnd = s.deps.clock.monotonic();
  if (machine.state() === 'barged_in') {
    clearConfirm(s);
    s.voicedMs += endMs - startMs;
    if (s.voicedMs >= BARGE_IN_SPEECH_MS) confirmBargeIn(s);
    return;
  }
  machine.send({ type: 'SPEECH_ENDED' });
  if (machine.state() === 'transcribing' && !s.voice.status().recogniser)
    nothingHeard(s, NO_RECOGNISER);
}

function listen(s: Session, disposables: DisposableSet): void {
  const { bus, machine } = s.deps;
  disposables.add(
    bus.on('voice.activity', ({ payload: a }) =>
      a.kind === 'speech_started' ? onStarted(s, a.heardMs) : onEnded(s, a.startMs, a.endMs),
    ),
  );
  // While the reply plays, the speech process hears the user only when surer (VOICE-FACTS).
  disposables.add(
    bus.on('turn.state_changed', ({ payload: { state } }) => {
      const playing = state === 'speaking' || state === 'barged_in';
      if (playing !== s.replyPlaying) s.speech?.replyPlaying(playing);
      s.replyPlaying = playing;
    }),
  );
  // The final words become the turn on the page (it knows the conversation); none: say so.
  disposables.add(
    bus.on('voice.transcript', ({ payload: t }) => {
      if (t.final && !t.text && machine.state() === 'transcribing') nothingHeard(s, NO_WORDS);
    }),
  );
  disposables.add(
    bus.on('router.token', (e) => s.speaker.onToken(e.payload.turnId, e.payload.text)),
  );
  disposables.add(bus.on('chat.turn_finished', (e) => s.speaker.onFinished(e.payload.turn)));
  // A speech pack installed or removed in the Models tab is used without a restart.
  disposables.add(
    bus.on('models.changed', (e) => {
      if (e.payload.reason !== 'installed' && e.payload.reason !== 'removed') return;
      void s.voice.reload().then(async () => {
        if (s.speech) s.speech = await s.voice.process();
      });
    }),
  );
}

/** Stops speech and keeps only what was heard of the reply. */
function cutToHeard(s: Session): boolean {
  const stopped = s.speaker.stop();
  if (stopped) s.deps.runner.cut(stopped.turnId, stopped.heard);
  return stopped !== null;
}

function handlersOf(s: Session) {
  const { voice, speaker, deps } = s;
  return {
    'voice.get_status': () => voice.status(),
    'voice.set_output': async ({ speak }) => {
      if (speak) s.speech = await voice.process();
      speaker.setOn(speak && s.speech !== null);
      voice.setSpeak(speak && s.speech !== null);
      return voice.status();
    },
    'voice.playback': ({ turnId, heardMs, ended }) => {
      speaker.played(turnId, heardMs, ended);
      return { ok: true as const };
    },
    'voice.preview': async ({ text }) => s.preview.say(text ?? (await sampleLine(deps.bus))),
    'voice.stop_speaking': () => {
      const stopped = cutToHeard(s);
      if (stopped && ['speaking', 'barged_in'].includes(deps.machine.state()))
        deps.machine.send({ type: 'CANCEL' });
      return { stopped };
    },
  } satisfies HandlersFor<'voice'>;
}

function sessionOf(deps: VoiceSessionDeps): Session {
  const { bus, clock, machine } = deps;
  const s = {
    deps,
    speech: null,
    lastSpeechEnd: null,
    confirm: null,
    voicedMs: 0,
    replyPlaying: false,
  } as Session;
  s.listeners = new Set();
  const onSaid: SaidBy = (h) => void (s.preview.onSaid(h) || s.speaker.onSaid(h));
  s.voice = createVoice({ bus, clock, speech: deps.speech, onSaid });
  const choice = () => choiceOf(bus, () => s.voice.status().voices);
  const out = (frame: Uint8Array) => s.listeners.forEach((fn) => fn(frame));
  s.speaker = createSpeaker({
    bus,
    clock,
    speech: () => s.speech,
    choice,
    machine,
    out,
    lastSpeechEnd: () => s.lastSpeechEnd,
  });
  s.preview = createPreview({
    clock,
    speech: async () => (s.speech ??= await s.voice.process()),
    choice,
    out,
    replying: () => ['speaking', 'barged_in'].includes(machine.state()),
  });
  return s;
}

export function createVoiceSession(deps: VoiceSessionDeps) {
  const s = sessionOf(deps);
  return {
    handlers: handlersOf(s),
    listen: (disposables: DisposableSet) => listen(s, disposables),
    audio: (frame: Uint8Array) => s.voice.audio(frame),
    /** Every spoken piece as a binary frame; returns the unsubscribe. */
    onSpeech(listener: (frame: Uint8Array) => void): () => void {
      s.listeners.add(listener);
      return () => s.listeners.delete(listener);
    },
    /** The machine's voice effects. */
    actions: {
      duck: () => s.speaker.control('duck'),
      unduck: () => s.speaker.control('unduck'),
      // However speech stops (barge-in, Stop, Escape), the reply keeps only what was heard.
      stopSpeaking: () => void cutToHeard(s),
    },
    dispose(): void {
      clearConfirm(s);
      s.speaker.dispose();
      s.voice.dispose();
    },
  };
}

export type VoiceSession = ReturnType<typeof createVoiceSession>;
