// The host's own piece: health of the whole process and of each engine.
import { z } from 'zod';
import { command } from '../define.ts';

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
};

export const hostEvents = {};
