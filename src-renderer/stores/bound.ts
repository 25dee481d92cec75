// The shape every column store has: a zustand store for the components, `bind()` to follow
// its own events (returns the unbind), and `reload()` to fetch its state again after events
// were missed. Stores are made per client, so a test gives them a test client and no socket.
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { AetherClient } from '../ipc/client.ts';

export type Reloadable = { reload(): Promise<void> };

export type BoundStore<S extends Reloadable> = UseBoundStore<StoreApi<S>> & {
  bind(): () => void;
};

type Get<S> = () => S;
type Set<S> = StoreApi<S>['setState'];

/** One area of a store's state and actions, so a store is a few small parts, not one long literal. */
export type Slice<S, K extends keyof S> = (
  client: AetherClient,
  set: (patch: Partial<S>) => void,
  get: Get<S>,
) => Pick<S, K>;

/** Makes a store from its state and the events it follows (which may use the store's own get/set). */
export function boundStore<S extends Reloadable>(
  init: (set: Set<S>, get: Get<S>) => S,
  follow: (get: Get<S>, set: Set<S>) => Array<() => void>,
): BoundStore<S> {
  const store = create<S>()((set, get) => init(set, get));
  return Object.assign(store, {
    bind() {
      const stops = follow(store.getState, store.setState);
      return () => {
        for (const stop of stops) stop();
      };
    },
  });
}

/** Runs `fn` once per burst of calls, `ms` after the first: a burst of events, one refresh. */
export function coalesce(ms: number, fn: () => void) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    schedule(): void {
      timer ??= setTimeout(() => {
        timer = null;
        fn();
      }, ms);
    },
    cancel(): void {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
