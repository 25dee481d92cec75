// The in-process bus: typed commands with exactly one handler each, and typed events with a
// replay buffer so a subscriber that reconnects can catch up from its last seq.
import type { Clock, NewId } from './clock.ts';
import type { EngineHealth } from './contract/host.ts';
import { createCommandTable } from './command-table.ts';
import type { CommandHandler } from './bus-types.ts';
import type { CommandName } from './contract.ts';
import { createEventStream } from './event-stream.ts';

export type {
  AuditNote,
  Auditor,
  CommandContext,
  CommandHandler,
  Disposable,
  EmitMeta,
} from './bus-types.ts';

/** Every command whose name starts with `prefix.`: an engine's handlers, all of them or none. */
export type HandlersFor<P extends string> = {
  [K in CommandName as K extends `${P}.${string}` ? K : never]: CommandHandler<K>;
};

/** What the composition root holds of every engine. */
export type Engine = { start(): void; dispose(): void; health(): EngineHealth };

export type BusOptions = {
  /** Stamps each event's `at` (monotonic ms since the host started). */
  clock: Pick<Clock, 'monotonic'>;
  newId: NewId;
  /** How many recent events are kept for replay. */
  replayLimit?: number;
};

export type Bus = ReturnType<typeof createBus>;

export function createBus(options: BusOptions) {
  const stream = createEventStream(options);
  const table = createCommandTable(stream, options.newId);
  return {
    ...table,
    emit: stream.emit,
    subscribe: stream.subscribe,
    on: stream.on,
    lastSeq: stream.lastSeq,
    listenerCount: stream.listenerCount,
  };
}
