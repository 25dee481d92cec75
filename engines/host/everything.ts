// Everything Aether keeps, as one archive, and deleting all of it. Both are L5 actions
// (data.export, high; data.delete_all, critical) whose executors live here, in the composition
// root: only it holds every engine's store. After a deletion the next host's ledger begins with
// a row that records it (decision 0023).
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  AetherError,
  type Bus,
  type Clock,
  type Executors,
  type HandlersFor,
  type ToolExecutor,
} from '../bus/index.ts';
import type { Ledger } from '../policy/index.ts';
import type { Storage } from '../storage/index.ts';
import { tarFolder } from './tar.ts';

const README = `Aether — everything it kept, exported
conversations.json  every conversation and its turns
memory.json         every memory with its provenance (where it came from)
personas/           the personas you made or imported (YAML)
grants.json         every permission you gave, including revoked ones
settings.json       preferences (no secrets: keys are never exported)
audit/              the audit log with its signed checkpoints and public key
Verify the audit log with: npm run aether -- audit verify --export audit
(see audit/README.txt; the log's own key stays on the computer that wrote it).
`;

/** Kept through a deletion: the host's own operational log (it is open while the host runs). */
const KEEP = new Set(['logs']);
const MARKER = 'deleted.json';

export type EverythingDeps = {
  dataDir: string;
  clock: Clock;
  bus: Bus;
  storage: Storage;
  ledger: Ledger;
  memoryExport: ToolExecutor<'memory.export'> | undefined;
  /** Stops this host and starts a fresh one after the data is gone; absent where that cannot happen. */
  onDeleteEverything?: () => void;
};

async function stage(d: EverythingDeps, dir: string, signal: AbortSignal): Promise<void> {
  const conversations = d.storage.conversations.list().map((c) => ({
    ...c,
    turns: d.storage.conversations.turns(c.id),
  }));
  writeFileSync(join(dir, 'conversations.json'), JSON.stringify(conversations, null, 1));
  if (d.memoryExport)
    await d.memoryExport({ capability: 'memory.export', path: join(dir, 'memory.json'), signal });
  const { grants } = await d.bus.invoke('policy.list_grants', { includeRevoked: true });
  writeFileSync(join(dir, 'grants.json'), JSON.stringify(grants, null, 1));
  const settings = d.storage.db.prepare('SELECT key, value FROM settings ORDER BY key').all();
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings, null, 1));
  const personas = join(d.dataDir, 'personas');
  if (existsSync(personas)) cpSync(personas, join(dir, 'personas'), { recursive: true });
  d.ledger.exportTo(join(dir, 'audit'));
  writeFileSync(join(dir, 'README.txt'), README);
}

function exportExecutor(d: EverythingDeps): ToolExecutor<'data.export'> {
  return async (req) => {
    const staging = `${req.path!}.staging`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    try {
      await stage(d, staging, req.signal);
      const { files } = tarFolder(staging, req.path!, 'aether-export');
      return { summary: `exported everything (${files} files) to ${req.path}`, output: req.path! };
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  };
}

function deleteExecutor(d: EverythingDeps): ToolExecutor<'data.delete_all'> {
  return async () => {
    if (!d.onDeleteEverything)
      throw new AetherError('Unsupported', 'this host cannot restart itself to delete everything');
    // After this outcome's row is written: the host stops, the data goes, a fresh host starts.
    d.clock.setTimeout(d.onDeleteEverything, 50);
    return {
      summary: 'everything will be deleted now; Aether starts again fresh',
      output: 'deleting',
    };
  };
}

export function everythingExecutors(d: EverythingDeps): Executors {
  return { 'data.export': exportExecutor(d), 'data.delete_all': deleteExecutor(d) };
}

export function everythingHandlers(
  d: EverythingDeps,
): Pick<HandlersFor<'host'>, 'host.export_everything' | 'host.delete_everything'> {
  return {
    'host.export_everything': async (_input, c) => {
      const stamp = new Date(d.clock.now()).toISOString().replace(/[:.]/g, '-');
      const path = join(d.dataDir, 'exports', `aether-everything-${stamp}.tar`);
      mkdirSync(join(d.dataDir, 'exports'), { recursive: true });
      const outcome = await d.bus.invoke(
        'policy.perform',
        {
          capability: 'data.export',
          target: path,
          actor: 'user',
          why: 'you asked to export everything',
        },
        { changeId: c.changeId },
      );
      return { outcome, path: outcome.status === 'done' ? path : null };
    },
    'host.delete_everything': (input, c) =>
      d.bus.invoke(
        'policy.perform',
        {
          capability: 'data.delete_all',
          target:
            'all conversations, memory, personas, grants, models, the audit log and every key',
          input: { confirm: input.confirm },
          actor: 'user',
          why: 'you asked to delete everything',
        },
        { changeId: c.changeId },
      ),
  };
}

/** Removes every file of the data folder but the host's log, leaving a note for the next ledger. */
export function wipeData(dataDir: string, at: number, previousHead: number): string[] {
  const removed = readdirSync(dataDir).filter((name) => !KEEP.has(name));
  for (const name of removed) rmSync(join(dataDir, name), { recursive: true, force: true });
  writeFileSync(join(dataDir, MARKER), JSON.stringify({ at, previousHead, removed }));
  return removed;
}

/** The deletion, as the first row of the new ledger (once, then the note goes). */
export async function recordDeletion(bus: Bus, dataDir: string): Promise<void> {
  const file = join(dataDir, MARKER);
  if (!existsSync(file)) return;
  const note = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  await bus.invoke('policy.record', {
    kind: 'data.deleted',
    actor: 'user',
    reason: 'everything was deleted at your request',
    details: note,
  });
  rmSync(file, { force: true });
}
