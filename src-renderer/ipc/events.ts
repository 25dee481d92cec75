// Listeners per event name, shared by every client (socket, preload bridge, test client), so a
// store subscribes to the events it keeps and nothing routes them by hand.
import type { Envelope, EventName } from '../../engines/bus/index.ts';

/** Why the stores must fetch their state again: events were lost, or the link was down. */
export type ResyncReason = 'replay_gap' | 'reconnect';
export type ConnectionState = 'connecting' | 'open' | 'closed';

type Listener<T> = (value: T) => void;

export function emitter<T>() {
  const listeners = new Set<Listener<T>>();
  return {
    emit(value: T): void {
      for (const l of [...listeners]) l(value);
    },
    add(l: Listener<T>): () => void {
      listeners.add(l);
      return () => {
        listeners.delete(l);
      };
    },
  };
}

export function eventHub() {
  const byName = new Map<EventName, Set<Listener<Envelope>>>();
  return {
    on<N extends EventName>(name: N, fn: (event: Envelope<N>) => void): () => void {
      const set = byName.get(name) ?? new Set();
      byName.set(name, set);
      const listener = fn as Listener<Envelope>;
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    dispatch(event: Envelope): void {
      for (const l of [...(byName.get(event.name) ?? [])]) l(event);
    },
    /** How many listeners an event has (the test client uses it to check unsubscribing). */
    count(name: EventName): number {
      return byName.get(name)?.size ?? 0;
    },
  };
}
