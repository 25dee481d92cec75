// L7 trust's piece: the views the trust center and the first run render, computed from the other
// engines. It decides nothing: every change a view offers is an L5 command (revoke, policy.change).
import { z } from 'zod';
import { command, internalCommand } from '../define.ts';
import { effectiveModesSchema, grantViewSchema, presetNameSchema } from './policy.ts';

/** One line of can / ask / never: a capability in plain words, with its scope and why. */
export const trustLineSchema = z.object({
  capability: z.string(),
  text: z.string(),
  /** preset → persona → grant, in words. */
  why: z.string(),
  grantId: z.string().nullable(),
});
export type TrustLine = z.infer<typeof trustLineSchema>;

export const postureBadgeSchema = z.object({
  id: z.enum(['local', 'remote', 'audit', 'offline', 'memory', 'model']),
  label: z.string(),
  tone: z.enum(['ok', 'warn', 'bad']),
  /** What to do about it (null when nothing needs doing). */
  help: z.string().nullable(),
});
export type PostureBadge = z.infer<typeof postureBadgeSchema>;

/** A change worth making, and the L5 command that makes it. */
export const suggestionSchema = z.object({
  id: z.string(),
  text: z.string(),
  fix: z.discriminatedUnion('op', [
    z.object({ op: z.literal('revoke_grants'), ids: z.array(z.string()), label: z.string() }),
  ]),
});
export type Suggestion = z.infer<typeof suggestionSchema>;

export const spendingSchema = z.object({
  provider: z.string(),
  daily: z.object({ cents: z.number(), tokens: z.number(), capCents: z.number().nullable() }),
  monthly: z.object({ cents: z.number(), tokens: z.number(), capCents: z.number().nullable() }),
  tripped: z.boolean(),
});

export const auditHealthSchema = z.object({
  healthy: z.boolean(),
  problem: z.string().nullable(),
  head: z.number().int(),
  checkpointSeq: z.number().int(),
  lastVerify: z.object({ at: z.number(), ok: z.boolean(), message: z.string() }).nullable(),
  keyFingerprint: z.string(),
});

export const trustViewSchema = z.object({
  can: z.array(trustLineSchema),
  ask: z.array(trustLineSchema),
  never: z.array(trustLineSchema),
  posture: z.array(postureBadgeSchema),
  grants: z.array(grantViewSchema),
  suggestions: z.array(suggestionSchema),
  spending: z.array(spendingSchema),
  audit: auditHealthSchema,
  modes: effectiveModesSchema,
});
export type TrustView = z.infer<typeof trustViewSchema>;

export const activityOutcomes = ['done', 'failed', 'denied', 'asked', 'draft'] as const;

export const activityEntrySchema = z.object({
  changeId: z.string(),
  at: z.number(),
  capability: z.string(),
  resource: z.string(),
  outcome: z.enum(activityOutcomes),
  /** Verb + object + reason + the rule that decided it. */
  sentence: z.string(),
  /** The row that decided it, to open in the audit log. */
  auditSeq: z.number().int(),
  /** The outcome row to undo (policy.undo), when Aether kept what was there before. */
  undoSeq: z.number().int().nullable(),
});
export type ActivityEntry = z.infer<typeof activityEntrySchema>;

export const hardwareSchema = z.object({
  totalRamBytes: z.number(),
  freeRamBytes: z.number(),
  cores: z.number().int(),
  gpu: z.union([
    z.object({ name: z.string(), vramBytes: z.number() }),
    z.object({ none: z.string() }),
  ]),
  freeDiskBytes: z.number(),
  modelsDir: z.string(),
});

const fitSchema = z.enum(['fits', 'tight', 'too big', 'no room on disk', 'unknown']);
const optionSchema = z.object({
  id: z.string(),
  name: z.string(),
  sizeBytes: z.number(),
  needBytes: z.number(),
  fit: fitSchema,
});

export const onboardingSteps = [
  'welcome',
  'computer',
  'persona',
  'model',
  'voice',
  'autonomy',
  'privacy',
  'summary',
] as const;
export type OnboardingStep = (typeof onboardingSteps)[number];

export const onboardingSchema = z.object({
  steps: z.array(
    z.object({ id: z.enum(onboardingSteps), state: z.enum(['todo', 'done', 'skipped']) }),
  ),
  /** The step to show (the first not yet done or skipped); null once finished. */
  current: z.enum(onboardingSteps).nullable(),
  finished: z.boolean(),
  /** What the user chose at each step, to show in the summary (never a secret). */
  choices: z.record(z.string(), z.string()),
});
export type Onboarding = z.infer<typeof onboardingSchema>;

export const updateChannelSchema = z.enum(['stable', 'beta']);
export const updateStateSchema = z.object({
  state: z.enum(['idle', 'checking', 'up-to-date', 'downloading', 'ready', 'refused', 'failed']),
  version: z.string().optional(),
  percent: z.number().optional(),
  /** What a restart the user asked for waits on (a turn, an approval, a download). */
  waitingFor: z.string().nullable().optional(),
  reason: z.string().optional(),
});
export const updateViewSchema = z.object({
  /** Whether this copy updates itself (the installed desktop app; not headless, not from source). */
  available: z.boolean(),
  auto: z.boolean(),
  channel: updateChannelSchema,
  state: updateStateSchema.nullable(),
});
export type UpdateView = z.infer<typeof updateViewSchema>;

export const trustCommands = {
  /** With `preset`: the lists as that preset would make them (the first run compares presets). */
  'trust.get_view': command(z.object({ preset: presetNameSchema.optional() }), trustViewSchema, {
    reads: true,
  }),
  'trust.list_activity': command(
    z.object({
      window: z.enum(['24h', '7d']).default('24h'),
      capability: z.string().max(64).optional(),
      outcome: z.enum(activityOutcomes).optional(),
    }),
    z.object({ entries: z.array(activityEntrySchema) }),
    { reads: true },
  ),
  'trust.get_hardware': command(
    z.object({}),
    z.object({
      hardware: hardwareSchema.nullable(),
      /** Why the hardware could not be read (then the recommendation is the safe fallback). */
      problem: z.string().nullable(),
      recommendation: z.object({
        pick: optionSchema.nullable(),
        smaller: optionSchema.nullable(),
        larger: optionSchema.nullable(),
        embedding: optionSchema.nullable(),
        chat: z.array(optionSchema),
        sentence: z.string(),
      }),
      /** The chat models already installed (a GGUF file the user added), with what they need. */
      installed: z.array(optionSchema),
    }),
    { reads: true },
  ),
  'trust.get_onboarding': command(z.object({}), onboardingSchema, { reads: true }),
  'trust.get_updates': command(z.object({}), updateViewSchema, { reads: true }),
  /** Check for updates automatically or not, and on which channel. */
  'trust.set_updates': command(
    z.object({ auto: z.boolean().optional(), channel: updateChannelSchema.optional() }),
    updateViewSchema,
    { audit: 'trust.updates_changed' },
  ),
  'trust.restart_to_update': command(z.object({}), z.object({ requested: z.boolean() }), {
    audit: 'trust.update_restart_requested',
  }),
  /** The desktop's updater says where it is (kept in memory: it is said again at each start). */
  'trust.report_update': internalCommand(updateStateSchema, z.object({ ok: z.literal(true) }), {
    reads: true,
  }),
  /** Marks a step done or skipped (with what was chosen), finishes, or starts the first run again. */
  'trust.set_onboarding': command(
    z.discriminatedUnion('op', [
      z.object({
        op: z.literal('step'),
        step: z.enum(onboardingSteps),
        outcome: z.enum(['done', 'skipped']),
        choice: z.string().max(200).optional(),
      }),
      z.object({ op: z.literal('skip_all') }),
      z.object({ op: z.literal('replay') }),
    ]),
    onboardingSchema,
    { audit: 'trust.onboarding_changed' },
  ),
};

export const trustEvents = {
  'trust.onboarding_changed': z.object({ onboarding: onboardingSchema }),
  'trust.updates_changed': updateViewSchema,
  /** The user asked to restart into a ready update; the desktop does it once nothing is under way. */
  'trust.update_restart_requested': z.object({}),
};
