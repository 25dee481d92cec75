// What L5 hands an executor, and what it gets back. Executors live in engines/tools (and in the
// engines that own a capability) and are registered into L5 by the composition root; nothing else
// can reach them. The input is typed by the capability (capability-inputs.ts), parsed by L5.
import type { CapabilityInput } from './capability-inputs.ts';
import type { CapabilityName } from './capabilities.ts';

export type ToolRequest<C extends CapabilityName = CapabilityName> = {
  capability: C;
  /** Canonical: a real absolute path, an argv array, a normalised URL. */
  path?: string;
  argv?: string[];
  url?: string;
  /** May the fetch reach a private network address (the user granted it)? */
  allowPrivateNetwork?: boolean;
  input?: CapabilityInput<C>;
  /** How the user allowed it, when there was a choice (send without private parts). */
  variant?: 'without-private';
  signal: AbortSignal;
  /** L5's hard blocks, applied again to the object an executor is about to touch; throws PolicyDenied. */
  guard?: (
    path: string,
    info: { dev: number; ino: number; nlink: number; isFile(): boolean },
  ) => void;
};

export type ToolResult = {
  /** One line for the chat and the audit log. */
  summary: string;
  /** What the model or the user sees as the result. */
  output: string;
  /** How to undo it, kept in the outcome's audit row: Aether's copy of what was there before
   *  (in its trash), and what was written over it (to see that nothing changed since). */
  undo?: { trashed: string; writtenSha256: string | null };
};

export type ToolExecutor<C extends CapabilityName = CapabilityName> = (
  request: ToolRequest<C>,
) => Promise<ToolResult>;

/** Executors by capability, each typed by its own input. */
export type Executors = { [C in CapabilityName]?: ToolExecutor<C> };
