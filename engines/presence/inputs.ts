// What L3 listens to, as plain data: the frames are a function of these (as recorded over time)
// and the clock, nothing else.
import type { Expression, TurnState } from '../bus/index.ts';

/** One spoken piece of the reply: where it sits in the turn's audio and its loudness per 20 ms. */
export type TrackPiece = { startMs: number; durationMs: number; envelope: number[]; text: string };

/** The reply's speech, and how far the page has played it (reported on the host's clock). */
export type SpeechTrack = {
  turnId: string;
  pieces: TrackPiece[];
  /** `heardMs` of the turn's audio had played at host time `at`; it plays on unless ended. */
  playback: { heardMs: number; at: number; ended: boolean } | null;
};

/** The persona's face settings that move it (its L3 artifact). */
export type MotionLook = {
  blinkPerMinute: number;
  gaze: 'steady' | 'wandering' | 'attentive' | string;
  /** Whether the reply's tone may show on the face. */
  expressive: boolean;
  motion: { min: number; max: number };
};

export type PresenceInputs = {
  turn: TurnState;
  /** The user is speaking (voice activity). */
  userSpeaking: boolean;
  speech: SpeechTrack | null;
  /** Replies are spoken: the mouth moves only with the sound, never ahead of it. */
  voiceOut: boolean;
  look: MotionLook;
  /** An engine the companion needs is degraded (the model, the speech process, audit). */
  degraded: boolean;
  reducedMotion: boolean;
  /** The reply's tone, where the persona lets the face show it. */
  tone: Expression | null;
  /** Seeds every random choice of this face. */
  seed: number;
};

/** A change of inputs at a host time: the log frames are computed (and replayed) from. */
export type InputChange = { at: number; set: Partial<PresenceInputs> };

export const DEFAULT_INPUTS: PresenceInputs = {
  turn: 'idle',
  userSpeaking: false,
  speech: null,
  voiceOut: false,
  look: { blinkPerMinute: 14, gaze: 'attentive', expressive: true, motion: { min: 0.1, max: 0.6 } },
  degraded: false,
  reducedMotion: false,
  tone: null,
  seed: 1,
};
