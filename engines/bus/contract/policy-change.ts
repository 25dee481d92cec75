// What policy.change may change: the preset, the posture, caps, keys, the workspace folder.
import { z } from 'zod';

export const presetNameSchema = z.enum(['observer', 'assistant', 'operator', 'power-user']);

/** Changes to what Aether may do or spend (policy.change, the input of policy.admin). */
export const policyChangeSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('set_preset'),
    preset: presetNameSchema,
  }),
  z.object({ op: z.literal('set_posture'), posture: z.enum(['local-only', 'balanced', 'open']) }),
  z.object({
    op: z.literal('set_cost_caps'),
    provider: z.string().min(1).max(64),
    dailyCents: z.number().int().nonnegative().nullable(),
    monthlyCents: z.number().int().nonnegative().nullable(),
    dailyTokens: z.number().int().nonnegative().nullable(),
    monthlyTokens: z.number().int().nonnegative().nullable(),
  }),
  z.object({ op: z.literal('rearm_cost_cap'), provider: z.string().min(1).max(64) }),
  /** Move the workspace folder (kept for the next start too). */
  z.object({ op: z.literal('set_workspace'), path: z.string().min(1).max(4096) }),
  z.object({ op: z.literal('rotate_audit_key') }),
  /** Trust persona packs signed by this Ed25519 key (they may then ask to widen what the preset allows). */
  z.object({
    op: z.literal('trust_persona_key'),
    name: z.string().min(1).max(100),
    publicKey: z.string().regex(/^[0-9a-f]{64}$/),
  }),
]);
export type PolicyChange = z.infer<typeof policyChangeSchema>;
