// The in-process bus: typed commands with exactly one handler each, and typed events with a
// replay buffer so a subscriber that reconnects can catch up from its last seq.
import type { Clock, NewId } from './clock.ts';
import type { Source } from './define.ts';
import type { EngineHealth } from './contract/host.ts';
import { AetherError } from './errors.ts';
import {
  commands,
  events,
  isCommandName,
  type CommandName,
  type CommandInput,
  type CommandOutput,
  type ParsedInput,
  type EventName,
  type EventPayload,
} from './contract.ts';
import { ENVELOPE_VERSION, type Envelope } from './envelope.ts';

export type Disposable = { dispose(): void };

export type CommandContext = {
  changeId: string;
  /** Who asked: an engine inside the host, the renderer, or a local API client. */
  origin: 'internal' | 'renderer' | 'api';
  /** For `audit` commands: what the audit row says the change was about. */
  note?: (row: AuditNote) => void;
  /** For `audit` commands: work outside the database (deleting a file) that runs only once the change committed. */
  afterCommit?: (fn: () => void) => void;
};

export type AuditNote = {
  resource?: string;
  capability?: string;
  decision?: string;
  reason?: string;
  details?: Record<string, unknown>;
};

/**
 * Runs an audited command's change and writes its row in one transaction (L5 supplies it): the
 * row is written after `change` returns and before anything commits; if either throws, neither stays.
 */
export type Auditor = <T>(
  row: {
    kind: string;
    command: string;
    changeId: string;
    origin: CommandContext['origin'];
    note: AuditNote;
  },
  change: () => T,
) => T;

export type CommandHandler<K extends CommandName> = (
  input: ParsedInput<K>,
  context: CommandContext,
) => Promise<CommandOutput<K>> | CommandOutput<K>;

/** Every command whose name starts with `prefix.`: an engine's handlers, all of them or none. */
export type HandlersFor<P extends string> = {
  [K in CommandName as K extends `${P}.${string}` ? K : never]: CommandHandler<K>;
};

/** What the composition root holds of every engine. */
export type Engine = { start(): void; dispose(): void; health(): EngineHealth };

export type EmitMeta = { source: Source; changeId?: string; turnId?: string };

export type BusOptions = {
  /** Stamps each event's `at` (monotonic ms since the host started). */
  clock: Pick<Clock, 'monotonic'>;
  newId: NewId;
  /** How many recent events are kept for replay. */
  replayLimit?: number;
};

export type Bus = ReturnType<typeof createBus>;

export function createBus(options: BusOptions) {
  const handlers = new Map<CommandName, CommandHandler<CommandName>>();
  const listeners = new Set<(event: Envelope) => void>();
  const replayLimit = options.replayLimit ?? 10_000;
  const recent: Envelope[] = [];
  let seq = 0;
  let auditor: Auditor | null = null;
  let rejected: ((command: CommandName, issues: string[], ctx: CommandContext) => void) | null =
    null;
  // While an audited change runs, its events wait: they go out only once the change committed.
  let held: Array<() => void> | null = null;
  // Events emitted by a listener while another event is being delivered wait their turn, so
  // every subscriber sees events in seq order (replay after a reconnect depends on it).
  const pending: Envelope[] = [];
  let delivering = false;

  function deliver(envelope: Envelope): void {
    pending.push(envelope);
    if (delivering) return;
    delivering = true;
    try {
      for (let next = pending.shift(); next; next = pending.shift()) {
        for (const listener of [...listeners]) {
          try {
            listener(next);
          } catch {
            /* one broken subscriber must not stop the others */
          }
        }
      }
    } finally {
      delivering = false;
    }
  }

  function handle<K extends CommandName>(name: K, handler: CommandHandler<K>): Disposable {
    if (handlers.has(name)) throw new Error(`command ${name} already has a handler`);
    handlers.set(name, handler as unknown as CommandHandler<CommandName>);
    return {
      dispose: () => {
        if (handlers.get(name) === (handler as unknown)) handlers.delete(name);
      },
    };
  }

  async function invoke<K extends CommandName>(
    name: K,
    input: CommandInput<K>,
    context?: Partial<CommandContext>,
  ): Promise<CommandOutput<K>> {
    if (!isCommandName(name))
      throw new AetherError('UnknownCommand', `unknown command ${String(name)}`);
    const handler = handlers.get(name);
    if (!handler) throw new AetherError('UnknownCommand', `no engine handles ${name} in this host`);
    const parsed = commands[name].input.safeParse(input);
    const ctx: CommandContext = {
      changeId: context?.changeId ?? options.newId(),
      origin: context?.origin ?? 'internal',
    };
    if (!parsed.success) {
      const issues = parsed.error.issues.map(
        (i) => `${i.path.join('.') || '(root)'}: ${i.message}`,
      );
      // A refused request to anything that would change something is on record (L5 writes the row).
      if (!('reads' in commands[name].kind)) rejected?.(name, issues, ctx);
      throw new AetherError('BadRequest', `invalid input for ${name}`, { issues });
    }
    const kind = commands[name].kind;
    if ('audit' in kind)
      return audited(name, kind.audit, handler, parsed.data, ctx) as CommandOutput<K>;
    return (await handler(parsed.data, ctx)) as CommandOutput<K>;
  }

  function audited(
    name: CommandName,
    kind: string,
    handler: CommandHandler<CommandName>,
    input: unknown,
    ctx: CommandContext,
  ): unknown {
    if (!auditor)
      throw new AetherError(
        'AuditUnavailable',
        `${name} changes what is stored and nothing can audit it in this host`,
      );
    const note: AuditNote = {};
    const outer = held;
    const mine: Array<() => void> = [];
    held = mine;
    let out: unknown;
    try {
      out = auditor(
        { kind, command: name, changeId: ctx.changeId, origin: ctx.origin, note },
        () => {
          const result = handler(input as never, {
            ...ctx,
            note: (n) => Object.assign(note, n),
            afterCommit: (fn) => mine.push(fn),
          });
          if (result instanceof Promise)
            throw new Error(`${name} is audited, so its handler must be synchronous`);
          return result;
        },
      );
    } finally {
      held = outer;
    }
    for (const send of mine) send();
    return out;
  }

  function emit<K extends EventName>(
    name: K,
    payload: EventPayload<K>,
    meta: EmitMeta,
  ): Envelope<K> {
    const checked = events[name].parse(payload) as EventPayload<K>;
    if (held) {
      held.push(() => emit(name, checked, meta));
      // Not yet sent: the envelope it will get is not known until the change commits.
      return {
        seq: 0,
        name,
        payload: checked,
        changeId: meta.changeId ?? '',
        source: meta.source,
        at: options.clock.monotonic(),
        v: ENVELOPE_VERSION,
      } as Envelope<K>;
    }
    const envelope = {
      seq: ++seq,
      name,
      payload: checked,
      changeId: meta.changeId ?? options.newId(),
      ...(meta.turnId ? { turnId: meta.turnId } : {}),
      source: meta.source,
      at: options.clock.monotonic(),
      v: ENVELOPE_VERSION,
    } as Envelope<K>;
    recent.push(envelope as Envelope);
    // Trimmed in batches so a busy stream does not shift the whole buffer on every event.
    if (recent.length > replayLimit * 1.25) recent.splice(0, recent.length - replayLimit);
    deliver(envelope as Envelope);
    return envelope;
  }

  /**
   * Subscribes to every event. With `afterSeq`, first replays what was emitted after it;
   * `gap` is true when some of those events are no longer kept.
   */
  function subscribe(
    listener: (event: Envelope) => void,
    from?: { afterSeq: number },
  ): Disposable & { gap: boolean } {
    let gap = false;
    if (from) {
      const oldest = recent[0]?.seq ?? seq + 1;
      gap = from.afterSeq + 1 < oldest && from.afterSeq < seq;
      for (const event of recent) if (event.seq > from.afterSeq) listener(event);
    }
    listeners.add(listener);
    return {
      gap,
      dispose: () => {
        listeners.delete(listener);
      },
    };
  }

  function on<K extends EventName>(name: K, listener: (event: Envelope<K>) => void): Disposable {
    return subscribe((event) => {
      if (event.name === name) listener(event as Envelope<K>);
    });
  }

  return {
    handle,
    invoke,
    emit,
    subscribe,
    on,
    /** L5 installs the transaction that writes an audited command's row with its change. */
    setAuditor(
      next: Auditor,
      onRejected?: (command: CommandName, issues: string[], ctx: CommandContext) => void,
    ): Disposable {
      auditor = next;
      rejected = onRejected ?? null;
      return {
        dispose: () => {
          if (auditor === next) {
            auditor = null;
            rejected = null;
          }
        },
      };
    },
    /** Registers a map of handlers (typed with HandlersFor, so a missing one fails to compile). */
    handleAll(map: Partial<{ [K in CommandName]: CommandHandler<K> }>): Disposable {
      const registered = Object.entries(map).map(([name, fn]) =>
        handle(name as CommandName, fn as CommandHandler<CommandName>),
      );
      return {
        dispose: () => {
          for (const r of registered) r.dispose();
        },
      };
    },
    lastSeq: () => seq,
    hasHandler: (name: CommandName) => handlers.has(name),
    listenerCount: () => listeners.size,
  };
}
