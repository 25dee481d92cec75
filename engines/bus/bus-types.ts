// The bus's shared shapes: what a handler is given, what an audited change records, and how
// an event is emitted. (Split from bus.ts so its parts can import them without a cycle.)
import type { Source } from './define.ts';
import type { CommandName, CommandOutput, ParsedInput } from './contract.ts';

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

export type EmitMeta = { source: Source; changeId?: string; turnId?: string };
