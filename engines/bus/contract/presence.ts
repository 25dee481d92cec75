// L3 presence's piece of the contract: what the avatar should be doing.
import { z } from 'zod';
import { command } from '../define.ts';

export const presenceStates = ['idle', 'listening', 'thinking', 'speaking', 'concerned'] as const;
export const presenceStateSchema = z.enum(presenceStates);
export type PresenceState = z.infer<typeof presenceStateSchema>;

/** The largest avatar file Aether takes (VRoid's exports are 10–30 MB). */
export const MAX_AVATAR_BYTES = 64 * 1024 * 1024;
/** An upload or read moves at most this much per message (under the socket's 1 MiB limit). */
export const AVATAR_CHUNK_BYTES = 512 * 1024;

/** The 3D avatar in use, as the host checked it. */
export const avatarInfoSchema = z.object({
  name: z.string(),
  fileName: z.string(),
  spec: z.enum(['0.x', '1.0']),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  /** The VRM expressions it has (aa, blink, happy, …): what of a frame it can show. */
  expressions: z.array(z.string()),
  warnings: z.array(z.string()),
  importedAt: z.number(),
});
export type AvatarInfo = z.infer<typeof avatarInfoSchema>;

const base64Chunk = z
  .string()
  .max(Math.ceil(AVATAR_CHUNK_BYTES / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/);

export const presenceCommands = {
  'presence.get_state': command(z.object({}), z.object({ state: presenceStateSchema }), {
    reads: true,
  }),
  'presence.get_avatar': command(z.object({}), z.object({ avatar: avatarInfoSchema.nullable() }), {
    reads: true,
  }),
  /**
   * One piece of a file the user picked, held in memory only (one upload at a time, gone after
   * a minute): nothing is stored until presence.import_avatar passes L5.
   */
  'presence.upload_avatar': command(
    z.object({
      uploadId: z.string().min(1).max(64),
      fileName: z.string().min(1).max(255),
      total: z.number().int().positive(),
      offset: z.number().int().nonnegative(),
      dataBase64: base64Chunk,
    }),
    z.object({ received: z.number().int() }),
    { reads: true },
  ),
  /** Use the uploaded file as the avatar: its structure checked, then L5's avatar.import. */
  'presence.import_avatar': command(
    z.object({ uploadId: z.string().min(1).max(64) }),
    z.object({ avatar: avatarInfoSchema.nullable(), reason: z.string().nullable() }),
    { effect: 'avatar.import' },
  ),
  /** The avatar file, a piece at a time, for the renderer to draw. */
  'presence.read_avatar': command(
    z.object({ offset: z.number().int().nonnegative() }),
    z.object({ dataBase64: z.string(), total: z.number().int(), sha256: z.string() }),
    { reads: true },
  ),
  'presence.clear_avatar': command(z.object({}), z.object({ cleared: z.boolean() }), {
    audit: 'presence.avatar_cleared',
  }),
};

export const presenceEvents = {
  'presence.state_changed': z.object({ state: presenceStateSchema, previous: presenceStateSchema }),
  'presence.avatar_changed': z.object({ avatar: avatarInfoSchema.nullable() }),
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
