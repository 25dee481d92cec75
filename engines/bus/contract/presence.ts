// L3 presence's piece of the contract: what the avatar should be doing.
import { z } from 'zod';
import { command } from '../define.ts';

export const presenceStates = ['idle', 'listening', 'thinking', 'speaking', 'concerned'] as const;
export const presenceStateSchema = z.enum(presenceStates);
export type PresenceState = z.infer<typeof presenceStateSchema>;

export const presenceCommands = {
  'presence.get_state': command(z.object({}), z.object({ state: presenceStateSchema }), {
    reads: true,
  }),
};

export const presenceEvents = {
  'presence.state_changed': z.object({ state: presenceStateSchema, previous: presenceStateSchema }),
};

/** The mouth shapes a face shows (VRM's aa/ih/ou/ee/oh, and closed). */
export const visemes = ['closed', 'aa', 'ih', 'ou', 'ee', 'oh'] as const;
export type Viseme = (typeof visemes)[number];

export const expressions = [
  'neutral',
  'happy',
  'thinking',
  'concerned',
  'surprised',
  'sleepy',
] as const;
export type Expression = (typeof expressions)[number];

/** What decides the face now, highest priority first (ARCHITECTURE L3). */
export const presenceLayers = [
  'safety',
  'degraded',
  'barge_in',
  'repair',
  'speaking',
  'acknowledging',
  'thinking',
  'listening',
  'idle',
] as const;
export type PresenceLayer = (typeof presenceLayers)[number];

/** Frames per second a renderer asks for: full, reduced, background. */
export const frameRates = [60, 30, 10] as const;
export type FrameRate = (typeof frameRates)[number];

/**
 * One frame of the avatar's behaviour, on the host's monotonic clock. Angles in degrees, gaze
 * and brows in -1..1 (right/up positive), eyelids and jaw 0 (open/shut) to 1.
 */
export type BehaviorFrame = {
  at: number;
  layer: PresenceLayer;
  head: { yaw: number; pitch: number; roll: number };
  gaze: { x: number; y: number };
  eyelids: { left: number; right: number };
  brows: { raise: number; furrow: number };
  mouth: { viseme: Viseme; open: number };
  expression: Record<Expression, number>;
  /** Breathing, -1..1 (0 when motion is reduced). */
  breathing: number;
  /** What the avatar is doing, in words, for screen readers. */
  caption: string;
};
