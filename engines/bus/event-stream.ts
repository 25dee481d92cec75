// The bus's events: stamped with a seq and kept for replay, delivered in seq order to every
// subscriber, and held back while an audited change runs (sent only once it committed).
import type { Disposable, EmitMeta } from './bus-types.ts';
import type { Clock, NewId } from './clock.ts';
import { events, type EventName, type EventPayload } from './contract.ts';
import { ENVELOPE_VERSION, type Envelope } from './envelope.ts';

type Listener = (event: Envelope) => void;

type Stream = {
  clock: Pick<Clock, 'monotonic'>;
  newId: NewId;
  replayLimit: number;
  recent: Envelope[];
  listeners: Set<Listener>;
  seq: number;
  /** While an audited change runs, its events wait here. */
  held: Array<() => void> | null;
  /** Events emitted by a listener while another is delivered wait their turn (seq order). */
  pending: Envelope[];
  delivering: boolean;
};

function deliver(s: Stream, envelope: Envelope): void {
  s.pending.push(envelope);
  if (s.delivering) return;
  s.delivering = true;
  try {
    for (let next = s.pending.shift(); next; next = s.pending.shift()) {
      for (const listener of [...s.listeners]) {
        try {
          listener(next);
        } catch {
          /* one broken subscriber must not stop the others */
        }
      }
    }
  } finally {
    s.delivering = false;
  }
}

function emit<K extends EventName>(
  s: Stream,
  name: K,
  payload: EventPayload<K>,
  meta: EmitMeta,
): Envelope<K> {
  const checked = events[name].parse(payload) as EventPayload<K>;
  const stamp = { name, payload: checked, source: meta.source, at: s.clock.monotonic() };
  if (s.held) {
    s.held.push(() => emit(s, name, checked, meta));
    // Not yet sent: the envelope it will get is not known until the change commits.
    const changeId = meta.changeId ?? '';
    return { seq: 0, ...stamp, changeId, v: ENVELOPE_VERSION } as Envelope<K>;
  }
  const envelope = {
    seq: ++s.seq,
    ...stamp,
    changeId: meta.changeId ?? s.newId(),
    ...(meta.turnId ? { turnId: meta.turnId } : {}),
    v: ENVELOPE_VERSION,
  } as Envelope<K>;
  s.recent.push(envelope as Envelope);
  // Trimmed in batches so a busy stream does not shift the whole buffer on every event.
  if (s.recent.length > s.replayLimit * 1.25) s.recent.splice(0, s.recent.length - s.replayLimit);
  deliver(s, envelope as Envelope);
  return envelope;
}

/**
 * Subscribes to every event. With `afterSeq`, first replays what was emitted after it;
 * `gap` is true when some of those events are no longer kept.
 */
function subscribe(
  s: Stream,
  listener: Listener,
  from?: { afterSeq: number },
): Disposable & { gap: boolean } {
  let gap = false;
  if (from) {
    const oldest = s.recent[0]?.seq ?? s.seq + 1;
    gap = from.afterSeq + 1 < oldest && from.afterSeq < s.seq;
    for (const event of s.recent) if (event.seq > from.afterSeq) listener(event);
  }
  s.listeners.add(listener);
  return {
    gap,
    dispose: () => {
      s.listeners.delete(listener);
    },
  };
}

/**
 * Runs `change` with its events held; returns them, to be sent once it has committed. `later`
 * queues other work among them (in order).
 */
function holding<T>(
  s: Stream,
  change: (later: (fn: () => void) => void) => T,
): { out: T; held: Array<() => void> } {
  const outer = s.held;
  const mine: Array<() => void> = [];
  s.held = mine;
  try {
    return { out: change((fn) => mine.push(fn)), held: mine };
  } finally {
    s.held = outer;
  }
}

export function createEventStream(options: {
  clock: Pick<Clock, 'monotonic'>;
  newId: NewId;
  replayLimit?: number;
}) {
  const s: Stream = {
    clock: options.clock,
    newId: options.newId,
    replayLimit: options.replayLimit ?? 10_000,
    recent: [],
    listeners: new Set(),
    seq: 0,
    held: null,
    pending: [],
    delivering: false,
  };
  return {
    emit: <K extends EventName>(name: K, payload: EventPayload<K>, meta: EmitMeta) =>
      emit(s, name, payload, meta),
    subscribe: (listener: Listener, from?: { afterSeq: number }) => subscribe(s, listener, from),
    on<K extends EventName>(name: K, listener: (event: Envelope<K>) => void): Disposable {
      return subscribe(s, (event) => {
        if (event.name === name) listener(event as Envelope<K>);
      });
    },
    holding: <T>(change: (later: (fn: () => void) => void) => T) => holding(s, change),
    lastSeq: () => s.seq,
    listenerCount: () => s.listeners.size,
  };
}

export type EventStream = ReturnType<typeof createEventStream>;
