// Helpers every contract piece uses to declare its commands and events.
import type { z } from 'zod';

export type CommandDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, E extends boolean = boolean> = {
  input: I;
  output: O;
  /** Callable from the renderer and transports; internal commands are reachable only in-process. */
  exposed: E;
};

export function command<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): CommandDef<I, O, true> {
  return { input, output, exposed: true };
}

/** A command only engines inside the host may call (never the renderer or an API client). */
export function internalCommand<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): CommandDef<I, O, false> {
  return { input, output, exposed: false };
}

/** Layers (and the host) that may be the source of an event. */
export const sources = ['interaction', 'memory', 'presence', 'router', 'policy', 'persona', 'trust', 'host'] as const;
export type Source = (typeof sources)[number];
