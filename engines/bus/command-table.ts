// The bus's commands: exactly one handler each, input checked against the contract, a refused
// request to anything that changes something put on record, and `audit` commands run inside
// L5's transaction with their events held until it commits.
import type {
  Auditor,
  AuditNote,
  CommandContext,
  CommandHandler,
  Disposable,
} from './bus-types.ts';
import type { NewId } from './clock.ts';
import {
  commands,
  isCommandName,
  type CommandInput,
  type CommandName,
  type CommandOutput,
} from './contract.ts';
import { AetherError } from './errors.ts';
import type { EventStream } from './event-stream.ts';

type Rejected = (command: CommandName, issues: string[], ctx: CommandContext) => void;

type Table = {
  handlers: Map<CommandName, CommandHandler<CommandName>>;
  stream: EventStream;
  newId: NewId;
  auditor: Auditor | null;
  rejected: Rejected | null;
};

function handle<K extends CommandName>(t: Table, name: K, handler: CommandHandler<K>): Disposable {
  if (t.handlers.has(name)) throw new Error(`command ${name} already has a handler`);
  t.handlers.set(name, handler as unknown as CommandHandler<CommandName>);
  return {
    dispose: () => {
      if (t.handlers.get(name) === (handler as unknown)) t.handlers.delete(name);
    },
  };
}

async function invoke<K extends CommandName>(
  t: Table,
  name: K,
  input: CommandInput<K>,
  context?: Partial<CommandContext>,
): Promise<CommandOutput<K>> {
  if (!isCommandName(name))
    throw new AetherError('UnknownCommand', `unknown command ${String(name)}`);
  const handler = t.handlers.get(name);
  if (!handler) throw new AetherError('UnknownCommand', `no engine handles ${name} in this host`);
  const parsed = commands[name].input.safeParse(input);
  const ctx: CommandContext = {
    changeId: context?.changeId ?? t.newId(),
    origin: context?.origin ?? 'internal',
  };
  const kind = commands[name].kind;
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    // A refused request to anything that would change something is on record (L5 writes the row).
    if (!('reads' in kind)) t.rejected?.(name, issues, ctx);
    throw new AetherError('BadRequest', `invalid input for ${name}`, { issues });
  }
  if ('audit' in kind)
    return audited(t, name, kind.audit, handler, parsed.data, ctx) as CommandOutput<K>;
  return (await handler(parsed.data, ctx)) as CommandOutput<K>;
}

function audited(
  t: Table,
  name: CommandName,
  kind: string,
  handler: CommandHandler<CommandName>,
  input: unknown,
  ctx: CommandContext,
): unknown {
  const auditor = t.auditor;
  if (!auditor)
    throw new AetherError(
      'AuditUnavailable',
      `${name} changes what is stored and nothing can audit it in this host`,
    );
  const note: AuditNote = {};
  const row = { kind, command: name, changeId: ctx.changeId, origin: ctx.origin, note };
  const { out, held } = t.stream.holding((later) =>
    auditor(row, () => {
      const result = handler(input as never, {
        ...ctx,
        note: (n) => Object.assign(note, n),
        afterCommit: later,
      });
      if (result instanceof Promise)
        throw new Error(`${name} is audited, so its handler must be synchronous`);
      return result;
    }),
  );
  for (const send of held) send();
  return out;
}

export function createCommandTable(stream: EventStream, newId: NewId) {
  const t: Table = { handlers: new Map(), stream, newId, auditor: null, rejected: null };
  return {
    handle: <K extends CommandName>(name: K, handler: CommandHandler<K>) =>
      handle(t, name, handler),
    invoke: <K extends CommandName>(
      name: K,
      input: CommandInput<K>,
      context?: Partial<CommandContext>,
    ) => invoke(t, name, input, context),
    /** L5 installs the transaction that writes an audited command's row with its change. */
    setAuditor(next: Auditor, onRejected?: Rejected): Disposable {
      t.auditor = next;
      t.rejected = onRejected ?? null;
      return {
        dispose: () => {
          if (t.auditor !== next) return;
          t.auditor = null;
          t.rejected = null;
        },
      };
    },
    /** Registers a map of handlers (typed with HandlersFor, so a missing one fails to compile). */
    handleAll(map: Partial<{ [K in CommandName]: CommandHandler<K> }>): Disposable {
      const registered = Object.entries(map).map(([name, fn]) =>
        handle(t, name as CommandName, fn as CommandHandler<CommandName>),
      );
      return {
        dispose: () => {
          for (const r of registered) r.dispose();
        },
      };
    },
    hasHandler: (name: CommandName) => t.handlers.has(name),
  };
}
