// Which layer decides the face, and the pose each one holds. Priorities (ARCHITECTURE L3):
// safety > degraded > barge-in > repair > speaking > acknowledging > thinking/listening > idle.
import type { Expression, PresenceLayer, TurnState } from '../bus/index.ts';
import type { PresenceInputs } from './inputs.ts';

export type Pose = {
  head: { yaw: number; pitch: number; roll: number };
  gaze: { x: number; y: number };
  /** How far the lids rest closed (blinks come on top). */
  lids: number;
  brows: { raise: number; furrow: number };
  expression: Partial<Record<Expression, number>>;
};

const SPEAKING_TURNS: TurnState[] = ['streaming', 'speaking', 'reflex'];
const THINKING_TURNS: TurnState[] = ['thinking', 'executing_tool', 'classifying'];

/** The layer in charge: a function of the inputs alone, so it changes only when they do. */
export function layerOf(i: PresenceInputs): PresenceLayer {
  if (i.turn === 'awaiting_approval') return 'safety';
  if (i.degraded || i.turn === 'error') return 'degraded';
  if (i.turn === 'barged_in') return 'barge_in';
  if (i.turn === 'repairing') return 'repair';
  const playing = i.speech?.playback ? !i.speech.playback.ended : false;
  if (SPEAKING_TURNS.includes(i.turn) || playing) return 'speaking';
  if (i.turn === 'transcribing') return 'acknowledging';
  if (THINKING_TURNS.includes(i.turn)) return 'thinking';
  if (i.turn === 'listening' || i.userSpeaking) return 'listening';
  return 'idle';
}

const at = (x: number, y: number) => ({ x, y });
const head = (yaw: number, pitch: number, roll: number) => ({ yaw, pitch, roll });

/** Each layer's pose: where it looks, how it holds its head, what it feels. */
export const POSES: Record<PresenceLayer, Pose> = {
  // Asking the user's permission: looking at them, a little concerned, brows up.
  safety: {
    head: head(0, -2, 0),
    gaze: at(0, 0),
    lids: 0,
    brows: { raise: 0.5, furrow: 0.2 },
    expression: { concerned: 0.6 },
  },
  degraded: {
    head: head(0, 6, 4),
    gaze: at(0, -0.3),
    lids: 0.45,
    brows: { raise: -0.2, furrow: 0 },
    expression: { sleepy: 0.7 },
  },
  barge_in: {
    head: head(0, -3, 0),
    gaze: at(0, 0),
    lids: 0,
    brows: { raise: 0.6, furrow: 0 },
    expression: { surprised: 0.5 },
  },
  repair: {
    head: head(0, 0, -6),
    gaze: at(0, 0),
    lids: 0.05,
    brows: { raise: 0.3, furrow: 0.4 },
    expression: { concerned: 0.5 },
  },
  speaking: {
    head: head(0, 0, 0),
    gaze: at(0, 0),
    lids: 0,
    brows: { raise: 0.15, furrow: 0 },
    expression: { neutral: 0.6, happy: 0.3 },
  },
  // The user just finished: a small nod while the words are made out.
  acknowledging: {
    head: head(0, 5, 0),
    gaze: at(0, 0),
    lids: 0.05,
    brows: { raise: 0.25, furrow: 0 },
    expression: { happy: 0.4 },
  },
  // Looking aside and up while thinking, as people do.
  thinking: {
    head: head(-8, -4, 3),
    gaze: at(-0.55, 0.4),
    lids: 0.1,
    brows: { raise: 0.1, furrow: 0.5 },
    expression: { thinking: 0.8 },
  },
  listening: {
    head: head(0, -1, 4),
    gaze: at(0, 0),
    lids: 0,
    brows: { raise: 0.3, furrow: 0 },
    expression: { neutral: 0.7, happy: 0.2 },
  },
  idle: {
    head: head(0, 0, 0),
    gaze: at(0, 0),
    lids: 0.05,
    brows: { raise: 0, furrow: 0 },
    expression: { neutral: 1 },
  },
};

export const CAPTION: Record<PresenceLayer, string> = {
  safety: 'waiting for your answer',
  degraded: 'drowsy: something it needs is not working',
  barge_in: 'stopped to listen to you',
  repair: 'trying to understand',
  speaking: 'speaking',
  acknowledging: 'nodding: it heard you',
  thinking: 'thinking, looking away',
  listening: 'listening, looking at you',
  idle: 'resting',
};
