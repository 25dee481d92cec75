// The host's own piece: health of the whole process and of each engine.
import { z } from 'zod';
import { command } from '../define.ts';
import { actionOutcomeSchema } from './policy.ts';

export const engineHealthSchema = z.object({
  state: z.enum(['starting', 'ok', 'degraded', 'error', 'stopped']),
  detail: z.string().optional(),
});

export const healthSchema = z.object({
  name: z.literal('aether'),
  version: z.string(),
  mode: z.enum(['desktop', 'headless']),
  uptimeMs: z.number(),
  engines: z.record(z.string(), engineHealthSchema),
});
export type Health = z.infer<typeof healthSchema>;
export type EngineHealth = z.infer<typeof engineHealthSchema>;

export const hostCommands = {
  'host.get_health': command(z.object({}), healthSchema, { reads: true }),
  /** One archive of everything: conversations, memory, personas, grants, the audit log. */
  'host.export_everything': command(
    z.object({}),
    z.object({ outcome: actionOutcomeSchema, path: z.string().nullable() }),
    { effect: 'data.export' },
  ),
  /** Removes all data and keys once the typed words match and L5 allows it; a new ledger starts. */
  'host.delete_everything': command(
    z.object({ confirm: z.string().max(100) }),
    actionOutcomeSchema,
    { effect: 'data.delete_all' },
  ),
};

export const hostEvents = {};
