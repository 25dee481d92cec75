// The whole contract: one command map and one event map, built from each engine's piece.
import type { z } from 'zod';
import { chatCommands, chatEvents } from './contract/chat.ts';
import { hostCommands, hostEvents } from './contract/host.ts';
import { personaCommands, personaEvents } from './contract/persona.ts';
import { memoryCommands, memoryEvents } from './contract/memory.ts';
import { modelCommands, modelEvents } from './contract/models.ts';
import { policyCommands, policyEvents } from './contract/policy.ts';
import { presenceCommands, presenceEvents } from './contract/presence.ts';
import { voiceCommands, voiceEvents } from './contract/voice.ts';
import { routerCommands, routerEvents } from './contract/router.ts';
import { trustCommands, trustEvents } from './contract/trust.ts';

export const commands = {
  ...chatCommands,
  ...routerCommands,
  ...modelCommands,
  ...memoryCommands,
  ...personaCommands,
  ...presenceCommands,
  ...voiceCommands,
  ...policyCommands,
  ...trustCommands,
  ...hostCommands,
};

export const events = {
  ...chatEvents,
  ...routerEvents,
  ...modelEvents,
  ...memoryEvents,
  ...personaEvents,
  ...presenceEvents,
  ...voiceEvents,
  ...policyEvents,
  ...trustEvents,
  ...hostEvents,
};

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandInput<K extends CommandName> = z.input<Commands[K]['input']>;
export type ParsedInput<K extends CommandName> = z.output<Commands[K]['input']>;
export type CommandOutput<K extends CommandName> = z.output<Commands[K]['output']>;

/** Commands the renderer and the transports may call. */
export type ExposedCommandName = {
  [K in CommandName]: Commands[K]['exposed'] extends true ? K : never;
}[CommandName];

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<K extends EventName> = z.output<Events[K]>;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

export function isExposedCommand(name: string): name is ExposedCommandName {
  return isCommandName(name) && commands[name].exposed;
}
