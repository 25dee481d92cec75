// The envelope every event travels in. `v` is the schema version of the event contract.
import { z } from 'zod';
import { sources, type Source } from './define.ts';
import type { EventName, EventPayload } from './contract.ts';

export const ENVELOPE_VERSION = 1;

export type Envelope<K extends EventName = EventName> = {
  [N in K]: {
    /** Monotonic over the whole bus; subscribers that reconnect replay from their last seq. */
    seq: number;
    name: N;
    payload: EventPayload<N>;
    /** Created at the first intent and carried by everything it causes. */
    changeId: string;
    turnId?: string;
    source: Source;
    /** Monotonic milliseconds since the host started. */
    at: number;
    v: number;
  };
}[K];

/** Shape check for envelopes arriving over a transport; payloads are checked against their event. */
export const envelopeShape = z.object({
  seq: z.number().int().positive(),
  name: z.string(),
  payload: z.unknown(),
  changeId: z.string(),
  turnId: z.string().optional(),
  source: z.enum(sources),
  at: z.number(),
  v: z.number().int(),
});
