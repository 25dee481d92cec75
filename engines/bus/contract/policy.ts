// L5 policy's piece of the contract: the gate (internal), approvals, grants and the audit log.
import { z } from 'zod';
import { capabilityNames } from '../capabilities.ts';
import { command, internalCommand } from '../define.ts';
import { errorInfoSchema } from '../errors.ts';
import { costCommands, costEvents } from './costs.ts';
import { policyChangeSchema, presetNameSchema } from './policy-change.ts';

export { policyChangeSchema, presetNameSchema, type PolicyChange } from './policy-change.ts';

export const riskSchema = z.enum(['low', 'medium', 'high', 'critical']);
export const decisionSchema = z.enum(['allow', 'ask', 'draft-only', 'deny', 'needs-upgrade']);
export const durationChoiceSchema = z.enum(['once', 'task', 'session', 'hour', 'day', 'always']);
export type DurationChoice = z.infer<typeof durationChoiceSchema>;

const capability = z.string().min(1).max(64);
const ticketId = z.string().min(16).max(64);

export const actionRequestSchema = z.object({
  capability: z.enum(capabilityNames),
  /** A path, a command line, a URL — as written; L5 makes it canonical. */
  target: z.string().max(8192),
  /** The executor's input, of the shape its capability declares (capability-inputs.ts); L5 parses it. */
  input: z.unknown().optional(),
  actor: z.string().min(1).max(64),
  why: z.string().max(500),
  turnId: z.string().max(64).optional(),
  taskId: z.string().max(64).optional(),
  /** The user asked for exactly this in so many words ("remember that …", confirm in the Memory tab). */
  confirmedByUser: z.boolean().optional(),
  /** Background work with nobody to ask: an "ask" becomes a draft (nothing runs) instead of a prompt. */
  unattended: z.boolean().optional(),
  /** Asked for by a local API client: nobody is at an approval card for it, so an "ask" is refused at once. */
  viaApi: z.boolean().optional(),
});
export type ActionRequest = z.infer<typeof actionRequestSchema>;

export const actionOutcomeSchema = z.object({
  status: z.enum(['done', 'denied', 'draft', 'failed']),
  decision: decisionSchema,
  reason: z.string(),
  /** Plain words for the user: what happened and why. */
  explanation: z.string(),
  resource: z.string(),
  auditSeq: z.number().int().nullable(),
  result: z.unknown().optional(),
  error: errorInfoSchema.nullable(),
});
export type ActionOutcome = z.infer<typeof actionOutcomeSchema>;

export const scopeOptionSchema = z.object({ id: z.string(), label: z.string(), scope: z.string() });

export const approvalSchema = z.object({
  ticketId,
  requestHash: z.string().length(64),
  capability,
  label: z.string(),
  resource: z.string(),
  risk: riskSchema,
  actor: z.string(),
  why: z.string(),
  preview: z.string().nullable(),
  /** Set when the request follows untrusted content read in the same turn: what was read. */
  untrusted: z.string().nullable(),
  scopeOptions: z.array(scopeOptionSchema),
  /** Other ways to allow it, e.g. sending a remote request without its private parts. */
  variants: z.array(z.object({ id: z.enum(['without-private']), label: z.string() })),
  createdAt: z.number(),
  expiresAt: z.number(),
});
export type Approval = z.infer<typeof approvalSchema>;

export const grantViewSchema = z.object({
  id: z.string(),
  capability,
  scope: z.string(),
  effect: z.enum(['allow', 'deny']),
  duration: z.enum(['once', 'task', 'session', 'until', 'persistent']),
  usesLeft: z.number().nullable(),
  expiresAt: z.number().nullable(),
  createdAt: z.number(),
  revokedAt: z.number().nullable(),
  /** Who it serves: 'user' (the user's own commands) or the requester it was given to ('persona:<id>'). */
  actor: z.string(),
  /** When it last answered a request, and how often it has (from the audit log's decisions). */
  lastUsedAt: z.number().nullable(),
  timesUsed: z.number().int(),
});
export type GrantView = z.infer<typeof grantViewSchema>;

export const auditRowSchema = z.object({
  seq: z.number().int(),
  at: z.number(),
  changeId: z.string(),
  kind: z.string(),
  actor: z.string(),
  capability: z.string().nullable(),
  resource: z.string().nullable(),
  decision: z.string().nullable(),
  reason: z.string().nullable(),
  details: z.string(),
  eventHash: z.string(),
});
export type AuditRowView = z.infer<typeof auditRowSchema>;

export const verifyResultSchema = z.object({
  ok: z.boolean(),
  rows: z.number(),
  checkpoints: z.number().optional(),
  kind: z.string().optional(),
  seq: z.number().nullable().optional(),
  message: z.string(),
});

export const policyStateSchema = z.object({
  preset: z.string(),
  posture: z.string(),
  auditHealthy: z.boolean(),
  auditProblem: z.string().nullable(),
  workspace: z.string(),
  pending: z.number().int(),
  keyWarning: z.string().nullable(),
  /** The last row signed into a checkpoint, the last full verification, and the signing key's fingerprint. */
  checkpointSeq: z.number().int(),
  head: z.number().int(),
  lastVerify: z.object({ at: z.number(), ok: z.boolean(), message: z.string() }).nullable(),
  keyFingerprint: z.string(),
});

export const modeSchema = z.enum(['auto', 'ask', 'draft-only', 'deny']);

/** What the gate would do for each capability now: the inputs of L7's can / ask / never. */
export const effectiveModesSchema = z.object({
  preset: z.string(),
  posture: z.enum(['local-only', 'balanced', 'open']),
  workspace: z.string(),
  auditHealthy: z.boolean(),
  persona: z.object({ id: z.string(), signed: z.boolean() }).nullable(),
  capabilities: z.array(
    z.object({
      capability,
      label: z.string(),
      risk: riskSchema,
      presetMode: modeSchema,
      personaMode: modeSchema.nullable(),
      mode: modeSchema,
      /** Refused before any mode counts (the posture, a broken audit log). */
      blockedBy: z.enum(['posture-local-only', 'audit-unavailable']).nullable(),
    }),
  ),
});
export type EffectiveModes = z.infer<typeof effectiveModesSchema>;

export const policyCommands = {
  'policy.perform': internalCommand(actionRequestSchema, actionOutcomeSchema, { gate: true }),
  /** An audit row for something that is not an action but must be on record (an API request). */
  'policy.record': internalCommand(
    z.object({
      kind: z.string().max(64),
      actor: z.string().max(64),
      resource: z.string().max(500).optional(),
      reason: z.string().max(500).optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
    z.object({ seq: z.number().int() }),
    { gate: true },
  ),
  'policy.cancel_pending': internalCommand(
    z.object({ turnId: z.string().max(64) }),
    z.object({ cancelled: z.number().int() }),
    { gate: true },
  ),
  'policy.respond_approval': command(
    z.object({
      ticketId,
      requestHash: z.string().length(64),
      answer: z.enum(['allow', 'deny', 'draft']),
      scopeOption: z.string().max(64).optional(),
      customScope: z.string().max(4096).optional(),
      duration: durationChoiceSchema.default('once'),
      variant: z.enum(['without-private']).optional(),
      /** At most this many uses of the grant (none: unlimited while it lasts). */
      uses: z.number().int().min(1).max(1000).optional(),
    }),
    z.object({ accepted: z.boolean(), reason: z.string().optional() }),
    { audit: 'policy.approval_answered' },
  ),
  'policy.list_pending': command(z.object({}), z.object({ approvals: z.array(approvalSchema) }), {
    reads: true,
  }),
  'policy.list_grants': command(
    z.object({
      includeRevoked: z.boolean().optional(),
      /** Count each grant's uses from the ledger (the default); false skips it when only names matter. */
      usage: z.boolean().optional(),
    }),
    z.object({ grants: z.array(grantViewSchema) }),
    { reads: true },
  ),
  'policy.revoke_grant': command(
    z.object({ id: z.string().max(64) }),
    z.object({ revoked: z.boolean() }),
    { audit: 'grant.revoked' },
  ),
  'policy.revoke_capability': command(
    z.object({ capability }),
    z.object({ revoked: z.number().int() }),
    { audit: 'grant.revoked' },
  ),
  'policy.revoke_all': command(
    z.object({}),
    z.object({ revoked: z.number().int(), cancelled: z.number().int(), ms: z.number() }),
    { audit: 'grant.revoked_all' },
  ),
  'policy.list_audit': command(
    z.object({
      beforeSeq: z.number().int().positive().optional(),
      limit: z.number().int().min(1).max(500).optional(),
      decision: z.string().max(32).optional(),
      capability: capability.optional(),
      kind: z.string().max(64).optional(),
      /** Only rows written at or after this time (ms since the epoch). */
      sinceAt: z.number().nonnegative().optional(),
    }),
    z.object({ rows: z.array(auditRowSchema), head: z.number().int() }),
    { reads: true },
  ),
  'policy.verify_audit': command(z.object({}), verifyResultSchema, { reads: true }),
  'policy.export_audit': command(z.object({}), actionOutcomeSchema, { effect: 'audit.export' }),
  /** Undo the file change recorded in this outcome row (a write's previous content, a deleted file). */
  'policy.undo': command(z.object({ auditSeq: z.number().int().positive() }), actionOutcomeSchema, {
    effect: 'files.restore',
  }),
  ...costCommands,
  'policy.change': command(policyChangeSchema, actionOutcomeSchema, { effect: 'policy.admin' }),
  'policy.explain': command(
    z.object({ seq: z.number().int().positive() }),
    z.object({ text: z.string() }),
    { reads: true },
  ),
  'policy.get_state': command(z.object({}), policyStateSchema, { reads: true }),
  /** The modes now, or as another preset would set them (the first run compares presets). */
  'policy.get_modes': command(
    z.object({ preset: presetNameSchema.optional() }),
    effectiveModesSchema,
    { reads: true },
  ),
};

export const policyEvents = {
  'policy.approval_pending': z.object({ approval: approvalSchema }),
  'policy.approval_resolved': z.object({
    ticketId,
    answer: z.enum(['allow', 'deny', 'draft', 'expired', 'cancelled']),
  }),
  /** An action ran. What was read (a file, a page) comes with its first lines, so memory can keep
   *  a note of it as an artifact. */
  'policy.performed': z.object({
    capability,
    resource: z.string(),
    summary: z.string(),
    excerpt: z.string().nullable(),
  }),
  'policy.decided': z.object({
    auditSeq: z.number().int().nullable(),
    capability,
    resource: z.string(),
    decision: decisionSchema,
    reason: z.string(),
  }),
  'policy.grants_changed': z.object({ reason: z.string() }),
  'policy.audit_appended': z.object({ seq: z.number().int(), kind: z.string() }),
  'policy.health_changed': z.object({ auditHealthy: z.boolean(), problem: z.string().nullable() }),
  ...costEvents,
};
