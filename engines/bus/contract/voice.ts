// L1 voice's piece of the contract: whether the speech process listens, and what it hears.
// Audio itself never travels as a command: it comes as binary frames on the transport.
import { z } from 'zod';
import { command } from '../define.ts';

export const voiceStates = ['off', 'starting', 'ready', 'degraded'] as const;
export const voiceStatusSchema = z.object({
  state: z.enum(voiceStates),
  detail: z.string().nullable(),
});
export type VoiceStatus = z.infer<typeof voiceStatusSchema>;

export const voiceCommands = {
  'voice.get_status': command(z.object({}), voiceStatusSchema, { reads: true }),
};

export const voiceEvents = {
  'voice.status_changed': voiceStatusSchema,
  /** On the audio clock: ms of audio received since the speech process started. */
  'voice.activity': z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('speech_started'), atMs: z.number() }),
    z.object({
      kind: z.literal('speech_ended'),
      atMs: z.number(),
      startMs: z.number(),
      endMs: z.number(),
    }),
  ]),
  /** What was said could not become words, and what to do about it. */
  'voice.not_understood': z.object({
    reason: z.enum(['no-recogniser']),
    message: z.string(),
  }),
};
