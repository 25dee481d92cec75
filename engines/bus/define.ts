// Helpers every contract piece uses to declare its commands and events.
import type { z } from 'zod';
import type { CapabilityName } from './capabilities.ts';

/**
 * What a command does to what is stored, declared with it (docs/decisions/0011). Every command says
 * one of these; command-effects.test.ts invokes each and checks the claim against the database.
 * - `reads`: changes nothing that is stored; `reads: 'counts'` may only count the access to what it
 *   read (memory's access count and salience), never change what is stored.
 * - `conversation`: writes only the conversation being had (its turns and their memory), which is
 *   its own record; side effects inside a turn still pass policy.perform.
 * - `audit`: the bus writes this audit row in the same transaction as the handler's change, or
 *   refuses the change; the handler must be synchronous.
 * - `effect`: the handler acts only through policy.perform with this capability (decision rows).
 * - `gate`: L5's own door and bookkeeping (policy.perform, cost reservations), which audit themselves.
 */
export type CommandKind =
  | { reads: true | 'counts' }
  | { conversation: true }
  | { audit: string }
  | { effect: CapabilityName }
  | { gate: true };

export type CommandDef<
  I extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
  E extends boolean = boolean,
> = {
  input: I;
  output: O;
  /** Callable from the renderer and transports; internal commands are reachable only in-process. */
  exposed: E;
  kind: CommandKind;
};

export function command<I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  kind: CommandKind,
): CommandDef<I, O, true> {
  return { input, output, exposed: true, kind };
}

/** A command only engines inside the host may call (never the renderer or an API client). */
export function internalCommand<I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  kind: CommandKind,
): CommandDef<I, O, false> {
  return { input, output, exposed: false, kind };
}

/** Layers (and the host) that may be the source of an event. */
export const sources = [
  'interaction',
  'memory',
  'presence',
  'router',
  'policy',
  'persona',
  'trust',
  'host',
] as const;
export type Source = (typeof sources)[number];
