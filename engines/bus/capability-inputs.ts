// What each capability's executor takes as input, as zod schemas: L5 parses a request's input
// with its capability's schema (a bad one is a refused, audited request) and the executor
// receives the typed value — nothing is stringified across the gate and parsed back on trust.
import { z } from 'zod';
import type { CapabilityName } from './capabilities.ts';
import { privacyClasses } from './contract/memory.ts';
import { policyChangeSchema } from './contract/policy.ts';
import { chatMessageSchema, priceSchema } from './contract/router.ts';

const text = z.string().max(5_000_000);

/** One remote generation: exactly what is sent (and shown in the approval). */
export const remoteRequestSchema = z.object({
  turnId: z.string().max(128),
  messages: z.array(chatMessageSchema).max(1000),
  maxTokens: z.number().int().positive(),
  temperature: z.number(),
  jsonSchema: z.record(z.string(), z.unknown()).optional(),
  model: z.string().max(200).optional(),
  /** Asked for by a local API client. */
  viaApi: z.boolean().optional(),
});
export type RemoteRequest = z.infer<typeof remoteRequestSchema>;

/** A remote server's settings as L5 shows them: the key itself never travels, only what happens to it. */
export const remoteConfigSchema = z.object({
  baseUrl: z.url().max(500),
  model: z.string().min(1).max(200),
  enabled: z.boolean(),
  prefer: z.enum(['local', 'remote']).optional(),
  centsPer1kTokens: priceSchema.nullable().optional(),
  key: z.enum(['kept', 'replaced', 'removed', 'dropped (new server)']),
  /** One-time reference to the key waiting in the router, when one was given. */
  keyRef: z.string().max(64).nullable(),
});

export const factWriteSchema = z.object({
  kind: z.enum(['fact', 'preference']),
  content: z.string().min(1).max(2000),
  privacy: z.enum(privacyClasses),
  conversationId: z.string().nullable(),
  turnId: z.string().nullable(),
  occurredAt: z.number(),
  extractor: z.string().max(100),
});
export type FactWrite = z.infer<typeof factWriteSchema>;

export const adminChangeSchema = z.union([
  policyChangeSchema,
  /** The user said yes to a signed persona pack's wider modes (by its compiled hash). */
  z.object({
    op: z.literal('confirm_persona_widening'),
    id: z.string().max(64),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
  }),
]);
export type AdminChange = z.infer<typeof adminChangeSchema>;

/** What the user types to delete everything. */
export const DELETE_EVERYTHING = 'delete everything';

export const capabilityInputs = {
  'files.write': text,
  'clipboard.write': text,
  'persona.edit': text,
  'memory.write_durable': z.union([
    z.object({ confirmId: z.string().min(1).max(64) }),
    factWriteSchema,
  ]),
  'router.remote': remoteRequestSchema,
  'router.remote_with_private': remoteRequestSchema,
  'router.configure': remoteConfigSchema,
  'policy.admin': adminChangeSchema,
  /** A VRM file the user picked, staged in L3 by presence.upload_avatar (by its id and hash). */
  'avatar.import': z.object({
    uploadId: z.string().min(1).max(64),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  /** Undo the change recorded in this outcome row; L5 fills in the rest from the row itself. */
  'files.restore': z.object({
    auditSeq: z.number().int().positive(),
    trashed: z.string().max(4096).optional(),
    writtenSha256: z.string().length(64).nullable().optional(),
  }),
  /** The words the user typed to confirm: nothing is deleted without exactly these. */
  'data.delete_all': z.object({ confirm: z.literal(DELETE_EVERYTHING) }),
} satisfies Partial<Record<CapabilityName, z.ZodType>>;

type WithInput = keyof typeof capabilityInputs;
export type CapabilityInput<C extends CapabilityName> = C extends WithInput
  ? z.output<(typeof capabilityInputs)[C]>
  : undefined;

/** The schema a capability's input must match; capabilities without one take none. */
export function inputSchema(capability: CapabilityName): z.ZodType {
  return Object.hasOwn(capabilityInputs, capability)
    ? capabilityInputs[capability as WithInput]
    : z.undefined();
}
