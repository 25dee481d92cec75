// L5's spending: reservations before each remote request, settled with what it used, and caps.
// The reservations are `gate` commands: L5's own bookkeeping of a router.remote action, whose
// decision and outcome rows (and the router.cost event) already record the request; a cap hit
// leaves a row of its own, and changing a cap is a policy.admin action.
import { z } from 'zod';
import { command, internalCommand } from '../define.ts';

export const costCommands = {
  'policy.reserve_cost': internalCommand(
    z.object({
      provider: z.string().min(1).max(64),
      cents: z.number().nonnegative(),
      tokens: z.number().int().nonnegative(),
    }),
    z.object({
      ok: z.boolean(),
      reservationId: z.string().nullable(),
      reason: z.string().nullable(),
    }),
    { gate: true },
  ),
  'policy.settle_cost': internalCommand(
    z.object({
      reservationId: z.string(),
      cents: z.number().nonnegative(),
      tokens: z.number().int().nonnegative(),
    }),
    z.object({ settled: z.boolean() }),
    { gate: true },
  ),
  'policy.release_cost': internalCommand(
    z.object({ reservationId: z.string() }),
    z.object({ released: z.boolean() }),
    { gate: true },
  ),
  'policy.get_costs': command(
    z.object({ provider: z.string().min(1).max(64) }),
    z.object({
      caps: z
        .object({
          dailyCents: z.number().nullable(),
          monthlyCents: z.number().nullable(),
          dailyTokens: z.number().nullable(),
          monthlyTokens: z.number().nullable(),
          trippedAt: z.number().nullable(),
        })
        .nullable(),
      daily: z.object({ cents: z.number(), tokens: z.number() }),
      monthly: z.object({ cents: z.number(), tokens: z.number() }),
    }),
    { reads: true },
  ),
  /** policy.admin, so a person always says yes first. */
};

export const costEvents = {
  'policy.cost_warning': z.object({
    provider: z.string(),
    window: z.enum(['daily', 'monthly']),
    unit: z.enum(['cents', 'tokens']),
    percent: z.number(),
  }),
  'policy.cost_cap_hit': z.object({
    provider: z.string(),
    window: z.enum(['daily', 'monthly']),
    unit: z.enum(['cents', 'tokens']),
  }),
};
