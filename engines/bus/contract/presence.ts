// L3 presence's piece of the contract: what the avatar should be doing.
import { z } from 'zod';
import { command } from '../define.ts';

export const presenceStates = ['idle', 'listening', 'thinking', 'speaking', 'concerned'] as const;
export const presenceStateSchema = z.enum(presenceStates);
export type PresenceState = z.infer<typeof presenceStateSchema>;

export const presenceCommands = {
  'presence.get_state': command(z.object({}), z.object({ state: presenceStateSchema }), {
    reads: true,
  }),
};

export const presenceEvents = {
  'presence.state_changed': z.object({ state: presenceStateSchema, previous: presenceStateSchema }),
};
