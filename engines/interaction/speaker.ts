// L1's mouth: while voice output is on, the reply of the current turn is cut into pieces as it
// streams (pieces.ts), said one at a time by the speech process in the persona's voice, and each
// spoken piece goes to the page as a binary frame. It keeps what it sent, so an interrupted reply
// can be cut to what was heard, and tells the turn machine when speech starts and ends.
import {
  encodeSpeechFrame,
  type Bus,
  type Clock,
  type TimerHandle,
  type Turn,
} from '../bus/index.ts';
import { heardText, speakable, takePieces } from './pieces.ts';
import type { VoiceChoice } from './speech/protocol.ts';
import type { Heard, SpeechProcess } from './speech/speech-process.ts';
import type { TurnEvent } from './turn-events.ts';

export type SpeakerDeps = {
  bus: Bus;
  clock: Clock;
  /** The running speech process, or null when there is none. */
  speech: () => SpeechProcess | null;
  /** Which voice, how fast and how high: the active persona's (null: it does not speak). */
  choice: () => Promise<VoiceChoice | null>;
  machine: { turnId(): string | null; send(event: TurnEvent): void };
  /** A spoken piece, encoded, for every page that listens. */
  out: (frame: Uint8Array) => void;
  /** When the user last stopped speaking (monotonic ms), for the time to first audio. */
  lastSpeechEnd: () => number | null;
};

/** Playback gets this long past the audio's end before speech counts as finished unheard. */
const END_SLACK_MS = 400;

type Said = {
  turnId: string;
  buffer: string;
  queue: string[];
  inFlight: { id: string; text: string; sent: boolean } | null;
  started: boolean;
  /** The pieces sent, in order, with their length: what truncation cuts from. */
  pieces: Array<{ text: string; ms: number }>;
  /** When each chunk sent plays (monotonic ms, as the host expects) and its loudness per 20 ms. */
  played: Array<{ at: number; ms: number; envelope: number[] }>;
  seq: number;
  audioMs: number;
  generated: boolean;
  reported: number | null;
  choice: Promise<VoiceChoice | null>;
  timer: TimerHandle | null;
  startedAt: number;
};

type Speaker = {
  deps: SpeakerDeps;
  on: boolean;
  said: Said | null;
  count: number;
  /** A turn whose speech was stopped: what it still generates is not said. */
  stopped: string | null;
};

function begin(s: Speaker, turnId: string): Said {
  if (s.said?.turnId === turnId) return s.said;
  if (s.said) stop(s);
  s.said = {
    turnId,
    buffer: '',
    queue: [],
    inFlight: null,
    started: false,
    pieces: [],
    played: [],
    seq: 0,
    audioMs: 0,
    generated: false,
    reported: null,
    choice: s.deps.choice(),
    timer: null,
    startedAt: s.deps.clock.monotonic(),
  };
  return s.said;
}

function heardMs(s: Speaker, said: Said): number {
  if (said.reported !== null) return Math.min(said.reported, said.audioMs);
  const now = s.deps.clock.monotonic();
  return said.played.reduce((ms, p) => ms + Math.max(0, Math.min(p.ms, now - p.at)), 0);
}

function emitSpeaking(s: Speaker, said: Said, state: 'started' | 'finished' | 'stopped'): void {
  const end = s.deps.lastSpeechEnd();
  const firstAudioMs =
    state === 'started' && end !== null && end <= said.startedAt
      ? Math.round(s.deps.clock.monotonic() - end)
      : null;
  const payload = { turnId: said.turnId, state, heardMs: heardMs(s, said), firstAudioMs };
  s.deps.bus.emit('voice.speaking', payload, { source: 'interaction', turnId: said.turnId });
}

function finish(s: Speaker, said: Said): void {
  if (s.said !== said) return;
  if (said.timer) s.deps.clock.clearTimeout(said.timer);
  s.said = null;
  if (said.seq > 0) emitSpeaking(s, said, 'finished');
  s.deps.machine.send({ type: 'SPEAK_FINISHED' });
}

/** Once everything is said and generated, speech ends when its audio has played. */
function maybeFinish(s: Speaker, said: Said): void {
  if (!said.generated || said.queue.length > 0 || said.inFlight) return;
  if (said.timer) s.deps.clock.clearTimeout(said.timer);
  const last = said.played.at(-1);
  const playedTo = last ? last.at + last.ms : s.deps.clock.monotonic();
  const wait = Math.max(0, playedTo - s.deps.clock.monotonic()) + END_SLACK_MS;
  said.timer = s.deps.clock.setTimeout(() => finish(s, said), wait, { background: true });
}

function pump(s: Speaker, said: Said): void {
  if (said.inFlight || said.queue.length === 0) return maybeFinish(s, said);
  const speech = s.deps.speech();
  if (!speech) {
    said.queue = [];
    return maybeFinish(s, said);
  }
  const text = said.queue.shift()!;
  said.inFlight = { id: `${said.turnId}:${s.count++}`, text, sent: false };
  if (!said.started) s.deps.machine.send({ type: 'SPEAK_STARTED', turnId: said.turnId });
  said.started = true;
  const id = said.inFlight.id;
  void said.choice.then((choice) => {
    if (said.inFlight?.id !== id) return;
    try {
      if (!choice) throw new Error('this persona does not speak');
      speech.speak(id, text, choice);
    } catch {
      said.inFlight = null; // the process went away; what is left is not said
      said.queue = [];
      maybeFinish(s, said);
    }
  });
}

function add(s: Speaker, said: Said, text: string, final: boolean): void {
  said.buffer += text;
  const first = said.pieces.length === 0 && said.queue.length === 0 && !said.inFlight;
  const { pieces, rest } = takePieces(said.buffer, first);
  said.buffer = rest;
  said.queue.push(...pieces);
  if (final) {
    const last = speakable(said.buffer);
    if (/[\p{L}\p{N}]/u.test(last)) said.queue.push(last);
    said.buffer = '';
  }
  pump(s, said);
}

/** A spoken piece from the speech process, out to the page; or the end of one. */
function onSaid(s: Speaker, heard: Extract<Heard, { type: 'spoken' | 'speak_done' }>): void {
  const said = s.said;
  if (!said || said.inFlight?.id !== heard.id) return;
  if (heard.type === 'speak_done') {
    said.inFlight = null;
    return pump(s, said);
  }
  const durationMs = (heard.samples.length * 1000) / heard.sampleRate;
  const { sampleRate, envelope } = heard;
  const text = said.inFlight.text;
  const header = { turnId: said.turnId, seq: said.seq, sampleRate, startMs: said.audioMs };
  s.deps.out(encodeSpeechFrame({ ...header, durationMs, envelope, text }, heard.samples));
  const { turnId, seq, startMs } = header;
  const piece = { turnId, seq, startMs, durationMs, envelope, text };
  s.deps.bus.emit('voice.piece', piece, { source: 'interaction', turnId });
  // Chunks play one after another; one that comes after the page ran dry plays on arrival.
  const now = s.deps.clock.monotonic();
  const last = said.played.at(-1);
  const at = Math.max(now, last ? last.at + last.ms : now);
  said.played.push({ at, ms: durationMs, envelope });
  said.audioMs += durationMs;
  // A voice may say one piece in several chunks: they add up to the piece's length.
  if (said.inFlight.sent) said.pieces.at(-1)!.ms += durationMs;
  else said.pieces.push({ text, ms: durationMs });
  said.inFlight.sent = true;
  if (said.seq++ === 0) emitSpeaking(s, said, 'started');
}

/** Stops speaking now; what was heard of the reply, or null when nothing was being said. */
function stop(s: Speaker): { turnId: string; heard: string } | null {
  const said = s.said;
  if (!said) return null;
  s.said = null;
  s.stopped = said.turnId;
  if (said.timer) s.deps.clock.clearTimeout(said.timer);
  if (said.inFlight) s.deps.speech()?.cancel(said.inFlight.id);
  const meta = { source: 'interaction' as const, turnId: said.turnId };
  s.deps.bus.emit('voice.playback_control', { turnId: said.turnId, action: 'stop' }, meta);
  emitSpeaking(s, said, 'stopped');
  return { turnId: said.turnId, heard: heardText(said.pieces, heardMs(s, said)) };
}

export function createSpeaker(deps: SpeakerDeps) {
  const s: Speaker = { deps, on: false, said: null, count: 0, stopped: null };
  const current = (turnId: string) =>
    s.on && deps.machine.turnId() === turnId && s.stopped !== turnId;
  return {
    setOn(on: boolean): void {
      s.on = on;
      if (!on) stop(s);
    },
    onToken(turnId: string, text: string): void {
      if (current(turnId)) add(s, begin(s, turnId), text, false);
    },
    /** The turn's text is complete: the rest is said (all of it, for a reply that did not stream). */
    onFinished(turn: Turn): void {
      if (!current(turn.id) && s.said?.turnId !== turn.id) return;
      if (turn.status === 'error') return void stop(s);
      const streamed = s.said?.turnId === turn.id;
      const said = begin(s, turn.id);
      said.generated = true;
      add(s, said, streamed ? '' : turn.assistantText, true);
    },
    onSaid: (heard: Extract<Heard, { type: 'spoken' | 'speak_done' }>) => onSaid(s, heard),
    /** The page's playback position; `ended` when it played all it was sent. */
    played(turnId: string, ms: number, ended: boolean): void {
      const said = s.said;
      if (!said || said.turnId !== turnId) return;
      said.reported = ms;
      const meta = { source: 'interaction' as const, turnId };
      deps.bus.emit('voice.played', { turnId, heardMs: ms, ended }, meta);
      if (ended && said.generated && !said.inFlight && said.queue.length === 0) finish(s, said);
    },
    control(action: 'duck' | 'unduck'): void {
      const turnId = s.said?.turnId;
      if (turnId)
        deps.bus.emit('voice.playback_control', { turnId, action }, { source: 'interaction' });
    },
    /** How loud the reply being said is played at this (monotonic) time; null outside it. */
    playedLevel(at: number): number | null {
      const said = s.said;
      if (!said || said.played.length === 0 || at < said.played[0].at) return null;
      const chunk = said.played.findLast((p) => p.at <= at)!;
      // Between chunks nothing plays: silence, which counts.
      return chunk.envelope[Math.floor((at - chunk.at) / 20)] ?? 0;
    },
    stop: () => stop(s),
    /** The host is going: timers stop, nothing more is said or sent. */
    dispose(): void {
      if (s.said?.timer) deps.clock.clearTimeout(s.said.timer);
      s.said = null;
      s.on = false;
    },
  };
}
