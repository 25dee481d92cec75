// L1 voice's piece of the contract: whether the speech process listens, what it hears and
// recognises, whether replies are spoken, and how playback goes. Audio itself never travels as a
// command or event: the microphone's frames and the spoken pieces are binary frames.
import { z } from 'zod';
import { command } from '../define.ts';

const turnId = z.string().min(1).max(64);

export const voiceStates = ['off', 'starting', 'ready', 'degraded'] as const;
export const voiceStatusSchema = z.object({
  state: z.enum(voiceStates),
  detail: z.string().nullable(),
  /** Whether words can be recognised (a speech pack with a recogniser is installed). */
  recogniser: z.boolean(),
  /** The voices that can speak: the embedded `flite:*` ones and those of speech packs. */
  voices: z.array(z.string()),
  /** What did not load, in words. */
  problems: z.array(z.string()),
  /** Whether replies are spoken. */
  speak: z.boolean(),
});
export type VoiceStatus = z.infer<typeof voiceStatusSchema>;

export const voiceCommands = {
  'voice.get_status': command(z.object({}), voiceStatusSchema, { reads: true }),
  /** Replies spoken or not: a setting of this session, nothing stored. */
  'voice.set_output': command(z.object({ speak: z.boolean() }), voiceStatusSchema, {
    reads: true,
  }),
  /** How far the page has played a turn's speech; `ended` once it has played all it got. */
  'voice.playback': command(
    z.object({
      turnId,
      heardMs: z.number().nonnegative().max(3_600_000),
      ended: z.boolean(),
    }),
    z.object({ ok: z.literal(true) }),
    { reads: true },
  ),
  /**
   * Says one sample line in the persona's voice (its first greeting unless `text` is given), as
   * frames the page plays; not a turn, nothing stored. Refused while a reply is being said.
   */
  'voice.preview': command(
    z.object({ text: z.string().trim().min(1).max(300).optional() }),
    z.object({ id: z.string(), voice: z.string(), durationMs: z.number().nonnegative() }),
    { reads: true },
  ),
  /** Stop speaking now (Escape): the reply is cut to what was heard and its generation stopped. */
  'voice.stop_speaking': command(z.object({}), z.object({ stopped: z.boolean() }), {
    conversation: true,
  }),
};

export const voiceEvents = {
  'voice.status_changed': voiceStatusSchema,
  /** On the audio clock: ms of audio received since the speech process started. */
  'voice.activity': z.discriminatedUnion('kind', [
    /** `heardMs`: how long the speech had lasted when it counted (over a reply, it must last). */
    z.object({ kind: z.literal('speech_started'), atMs: z.number(), heardMs: z.number() }),
    z.object({
      kind: z.literal('speech_ended'),
      atMs: z.number(),
      startMs: z.number(),
      endMs: z.number(),
    }),
  ]),
  /** The words recognised so far (`final: false`) or of the whole utterance. */
  'voice.transcript': z.object({
    text: z.string(),
    final: z.boolean(),
    atMs: z.number(),
    decodeMs: z.number(),
    /** Words so far at the moment the user paused: likely the final ones, worth reading now. */
    pause: z.boolean().optional(),
  }),
  /** What playback should do now: lower the volume (speech over it), restore it, or stop. */
  'voice.playback_control': z.object({ turnId, action: z.enum(['duck', 'unduck', 'stop']) }),
  /** A reply's speech began or ended (`heardMs`: how much of it was heard). */
  'voice.speaking': z.object({
    turnId,
    state: z.enum(['started', 'finished', 'stopped']),
    heardMs: z.number(),
    /** Time from the end of the user's speech to the first piece ready, when voice started it. */
    firstAudioMs: z.number().nullable(),
  }),
  /** A piece of the reply's speech went to the page: where it plays and its loudness (lip sync). */
  'voice.piece': z.object({
    turnId,
    seq: z.number().int().nonnegative(),
    startMs: z.number().nonnegative(),
    durationMs: z.number().nonnegative(),
    /** RMS per 20 ms, 0–1. */
    envelope: z.array(z.number()),
    text: z.string(),
  }),
  /** Where the page's playback of a turn's speech is (it reports every 250 ms while playing). */
  'voice.played': z.object({ turnId, heardMs: z.number().nonnegative(), ended: z.boolean() }),
  /** What was said could not become words, and what to do about it. */
  'voice.not_understood': z.object({
    reason: z.enum(['no-recogniser', 'no-words']),
    message: z.string(),
  }),
};
