// What L5's handlers share: the ledger, grants, approvals, costs and persona trust, the state the
// evaluator decides on, and the two ways a row is written outside policy.perform.
import { join } from 'node:path';
import type { Bus, Clock, Executors, NewId } from '../bus/index.ts';
import type { Db } from '../storage/index.ts';
import { adminExecutor, exportAuditExecutor } from './admin.ts';
import { loadKeyring, loadSigningKey, type KeyVault } from './audit/keys.ts';
import { Ledger } from './audit/ledger.ts';
import { CostLedger } from './costs.ts';
import type { PolicyState, Posture } from './evaluate.ts';
import { GrantStore } from './grant-store.ts';
import type { PerformContext } from './perform.ts';
import { restoreExecutor } from './undo.ts';
import type { WorkspaceFolder } from './workspace.ts';
import { createPersonaTrust, type PersonaTrust } from './persona-trust.ts';
import type { PresetConfig } from './presets.ts';
import { hardBlocks } from './protected.ts';
import { Tickets } from './tickets.ts';

export type Settings = {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
};

export type PolicyDeps = {
  bus: Bus;
  db: Db;
  settings: Settings;
  dataDir: string;
  workspace: WorkspaceFolder;
  sessionId: string;
  keyVault: KeyVault;
  executors: Executors;
  clock: Clock;
  newId: NewId;
  verifyWorkerEntry?: string;
  approvalTimeoutMs?: number;
  /** The bundled personas' folder: its trust list is protected like the user's. */
  bundledPersonasDir?: string;
};

/** The last checkpoint, kept in the key store too (breach 7: a removed checkpoint file is noticed). */
const ANCHOR = 'audit-anchor.json';

type RowFields = {
  capability?: string;
  resource?: string;
  decision?: string;
  reason?: string;
  actor?: string;
};

function openLedger(deps: PolicyDeps): Ledger {
  const { settings, keyVault } = deps;
  return new Ledger({
    db: deps.db,
    keyring: loadKeyring(keyVault),
    signingKey: loadSigningKey(keyVault),
    checkpointFile: join(deps.dataDir, 'audit', 'checkpoints.log'),
    clock: deps.clock,
    verifyWorkerEntry: deps.verifyWorkerEntry,
    pin: {
      get: () => settings.get<string>('audit.checkpoint_public_key'),
      set: (v) => settings.set('audit.checkpoint_public_key', v),
    },
    anchor: {
      read: () => keyVault.read(ANCHOR),
      write: (text) => keyVault.write(ANCHOR, text),
    },
  });
}

type Parts = {
  deps: PolicyDeps;
  ledger: Ledger;
  grants: GrantStore;
  costs: CostLedger;
  trust: PersonaTrust;
  preset: () => PresetConfig;
  blocks: PolicyState['hardBlocks'];
};

/** What the evaluator decides from, read fresh for every request. */
function stateOf(p: Parts): PolicyState {
  const { deps, ledger, costs, trust } = p;
  return {
    preset: p.preset(),
    posture: deps.settings.get<Posture>('policy.posture') ?? 'balanced',
    auditProblem: ledger.unhealthy,
    hardBlocks: p.blocks,
    workspaceRoots: [deps.workspace.get()],
    costCapHit: (capability, resource) =>
      capability.startsWith('router.remote') &&
      resource.kind === 'model' &&
      costs.isTripped(resource.provider),
    grants: p.grants.index,
    context: {
      now: deps.clock.now(),
      sessionId: deps.sessionId,
      taskId: null,
      personaId: trust.personaId(),
    },
    persona: trust.modes(),
  };
}

/** The engines' executors, and L5's own (audit export, policy changes). */
function executorsOf(p: Parts): Executors {
  const { deps, ledger, costs, trust } = p;
  const { settings, keyVault, dataDir, newId } = deps;
  return {
    ...deps.executors,
    'audit.export': exportAuditExecutor(ledger),
    'policy.admin': adminExecutor({
      settings,
      costs,
      ledger,
      trust,
      keyVault,
      dataDir,
      newId,
      workspace: deps.workspace,
    }),
    'files.restore': restoreExecutor(ledger, deps.executors['files.restore']),
  };
}

/** Tells the workspace when the audit log turns (un)healthy. */
function healthReporter(bus: Bus, ledger: Ledger) {
  let lastProblem: string | null = ledger.unhealthy;
  return (): void => {
    if (ledger.unhealthy === lastProblem) return;
    lastProblem = ledger.unhealthy;
    const health = { auditHealthy: !lastProblem, problem: lastProblem };
    bus.emit('policy.health_changed', health, { source: 'policy' });
  };
}

/** A durable row for something decided outside policy.perform (a refused answer, a cap hit). */
function rowWriter(bus: Bus, ledger: Ledger, reportHealth: () => void) {
  return (
    changeId: string,
    kind: string,
    details: Record<string, unknown>,
    fields: RowFields = {},
  ): void => {
    try {
      const entry = { changeId, kind, actor: 'user', details, ...fields };
      const row = ledger.append(entry, { durable: true });
      bus.emit('policy.audit_appended', { seq: row.seq, kind }, { source: 'policy', changeId });
    } finally {
      reportHealth();
    }
  };
}

export function createPolicyCore(deps: PolicyDeps) {
  const { bus, settings } = deps;
  const ledger = openLedger(deps);
  const preset = () => settings.get<PresetConfig>('policy.preset') ?? { name: 'assistant' };
  const trust = createPersonaTrust(settings, preset);
  const p: Parts = {
    deps,
    ledger,
    grants: new GrantStore(deps.db, deps.sessionId),
    costs: new CostLedger(deps.db),
    trust,
    preset,
    blocks: hardBlocks(deps.dataDir, deps.bundledPersonasDir),
  };
  const tickets = new Tickets(deps.approvalTimeoutMs ?? 10 * 60_000, deps.clock);
  const inFlight = new Set<AbortController>();
  const state = () => stateOf(p);
  const executors = executorsOf(p);
  const ctx: PerformContext = {
    bus,
    ledger,
    grants: p.grants,
    tickets,
    executors,
    state,
    inFlight,
    workspace: deps.workspace.get,
    hardBlocks: p.blocks,
    clock: deps.clock,
    newId: deps.newId,
    personaId: () => trust.personaId(),
    tainted: new Map(),
  };
  const reportHealth = healthReporter(bus, ledger);
  const userRow = rowWriter(bus, ledger, reportHealth);
  const { grants, costs } = p;
  return {
    deps,
    ledger,
    grants,
    costs,
    tickets,
    inFlight,
    trust,
    state,
    executors,
    ctx,
    reportHealth,
    userRow,
  };
}

export type PolicyCore = ReturnType<typeof createPolicyCore>;

/** Who a command's origin is, as an audit row names it. */
export const actorOf = (origin: 'internal' | 'renderer' | 'api') =>
  origin === 'internal' ? 'aether' : origin === 'api' ? 'api' : 'user';
