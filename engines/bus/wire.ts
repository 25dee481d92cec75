// What travels over a process boundary (WebSocket, Electron IPC): requests, results, events.
// Every message is parsed on the receiving side; nothing is trusted for its shape.
import { z } from 'zod';
import { errorInfoSchema, type ErrorInfo } from './errors.ts';
import type { BehaviorFrame } from './contract/presence.ts';
import type { Envelope } from './envelope.ts';

const requestId = z.union([z.string().max(64), z.number().int()]);

export const invokeRequestSchema = z.object({
  id: requestId,
  command: z.string().max(128),
  input: z.unknown(),
});
export type InvokeRequest = z.infer<typeof invokeRequestSchema>;

/**
 * A renderer's subscription to the avatar's frames: how many a second (0 stops them) and whether
 * motion is reduced there (the OS setting or Aether's own).
 */
export const presenceSubscribeSchema = z
  .object({
    fps: z.union([z.literal(0), z.literal(10), z.literal(30), z.literal(60)]),
    reducedMotion: z.boolean(),
  })
  .strict();
export type PresenceSubscribe = z.infer<typeof presenceSubscribeSchema>;

export const clientMessageSchema = z.discriminatedUnion('type', [
  invokeRequestSchema.extend({ type: z.literal('invoke') }),
  z.object({ type: z.literal('subscribe'), afterSeq: z.number().int().nonnegative() }),
  presenceSubscribeSchema.extend({ type: z.literal('presence') }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export type InvokeResult =
  | { id: string | number | null; ok: true; output: unknown }
  | { id: string | number | null; ok: false; error: ErrorInfo };

export type ServerMessage =
  | ({ type: 'result' } & InvokeResult)
  | { type: 'event'; event: Envelope }
  | { type: 'hello'; version: string; lastSeq: number }
  | { type: 'replay_gap'; afterSeq: number }
  /** A binary audio frame was not taken (too large, too fast, no speech process): why. */
  | { type: 'audio_refused'; error: ErrorInfo }
  /** One of the avatar's frames, on its own subscription (not the event stream). */
  | { type: 'presence_frame'; frame: BehaviorFrame };

/** What the desktop preload relays from the main process: events, a gap in their replay, and a
 * refused audio frame. */
export type BridgeMessage = Extract<
  ServerMessage,
  { type: 'event' | 'replay_gap' | 'audio_refused' }
>;

/** The desktop renderer's subscription: like the WebSocket's, with the seq to replay after. */
export const bridgeSubscribeSchema = z
  .object({ afterSeq: z.number().int().nonnegative().optional() })
  .strict();

export const invokeResultSchema = z.union([
  z.object({ id: requestId.nullable(), ok: z.literal(true), output: z.unknown() }),
  z.object({ id: requestId.nullable(), ok: z.literal(false), error: errorInfoSchema }),
]);
