// The bus events L3 follows, turned into changes of its inputs (inputs.ts). Each change makes new
// objects, never edits old ones: the log keeps every earlier state as it was, for replay.
import type { ActivePersona, Bus, DisposableSet } from '../bus/index.ts';
import { DEFAULT_INPUTS, type PresenceInputs, type SpeechTrack } from './inputs.ts';
import { toneOf } from './tone.ts';

type Change = (set: Partial<PresenceInputs>) => void;

function followSpeech(bus: Bus, own: DisposableSet, current: () => PresenceInputs, change: Change) {
  own.add(
    bus.on('voice.piece', ({ payload: p }) => {
      const { turnId, startMs, durationMs, envelope, text } = p;
      const piece = { startMs, durationMs, envelope, text };
      const track = current().speech;
      const speech: SpeechTrack =
        track?.turnId === turnId
          ? { ...track, pieces: [...track.pieces, piece] }
          : { turnId, pieces: [piece], playback: null };
      change({ speech });
    }),
  );
  const played = (turnId: string, heardMs: number, ended: boolean, at: number) => {
    const track = current().speech;
    if (track?.turnId !== turnId) return;
    change({ speech: { ...track, playback: { heardMs, at, ended } } });
  };
  own.add(
    bus.on('voice.played', (e) =>
      played(e.payload.turnId, e.payload.heardMs, e.payload.ended, e.at),
    ),
  );
  own.add(
    bus.on('voice.speaking', (e) => {
      if (e.payload.state !== 'started') played(e.payload.turnId, e.payload.heardMs, true, e.at);
    }),
  );
}

/** Follows the bus; `change` records each new piece of input. */
export function listen(
  bus: Bus,
  own: DisposableSet,
  current: () => PresenceInputs,
  change: Change,
): void {
  own.add(bus.on('turn.state_changed', (e) => change({ turn: e.payload.state })));
  let replyText = '';
  own.add(
    bus.on('chat.turn_started', () => {
      replyText = '';
      change({ speech: null, tone: null });
    }),
  );
  own.add(
    bus.on('voice.activity', (e) => change({ userSpeaking: e.payload.kind === 'speech_started' })),
  );
  own.add(
    bus.on('router.token', (e) => {
      replyText = (replyText + e.payload.text).slice(-400);
      const tone = toneOf(replyText);
      if (tone !== current().tone) change({ tone });
    }),
  );
  const looks = (p: ActivePersona['presence']) =>
    change({
      look: {
        blinkPerMinute: p.blinkPerMinute,
        gaze: p.gaze,
        expressive: p.expressive,
        motion: p.motion,
      },
    });
  own.add(bus.on('persona.activated', (e) => looks(e.payload.presence)));
  // The persona active before L3 started: its look, unless one was activated since.
  bus.invoke('persona.get_active', {}).then(
    (p) => current().look === DEFAULT_INPUTS.look && looks(p.presence),
    () => {}, // no persona engine (a bare test host): the default look stays
  );
  let router = false;
  let voice = false;
  own.add(
    bus.on('router.status_changed', (e) => {
      router = e.payload.state === 'degraded' || e.payload.state === 'error';
      change({ degraded: router || voice });
    }),
  );
  own.add(
    bus.on('voice.status_changed', (e) => {
      voice = e.payload.state === 'degraded';
      change({ degraded: router || voice, voiceOut: e.payload.speak });
    }),
  );
  followSpeech(bus, own, current, change);
}
