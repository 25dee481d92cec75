// L5 policy: the single door for side effects, the approvals a user answers, the grants they
// leave, and the audit ledger that proves afterwards what was decided and done.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  AetherError,
  DisposableSet,
  type Bus,
  type EngineHealth,
  type Executors,
  type ToolExecutor,
} from '../bus/index.ts';
import type { Db } from '../storage/index.ts';
import { Ledger } from './audit/ledger.ts';
import { loadKeyring, loadSigningKey, rotateKey, type KeyVault } from './audit/keys.ts';
import { CostLedger } from './costs.ts';
import { isCapability } from './catalog.ts';
import type { PolicyState, Posture } from './evaluate.ts';
import { explainDecision } from './explain.ts';
import { GrantStore } from './grant-store.ts';
import type { Grant } from './grants.ts';
import { perform, type PerformContext } from './perform.ts';
import { createPersonaTrust, trustKey } from './persona-trust.ts';
import { hardBlocks } from './protected.ts';
import type { PresetConfig } from './presets.ts';
import { describeScope } from './request.ts';
import { Tickets } from './tickets.ts';

export type PolicyDeps = {
  bus: Bus;
  db: Db;
  settings: { get<T>(key: string): T | undefined; set(key: string, value: unknown): void };
  dataDir: string;
  workspace: string;
  sessionId: string;
  keyVault: KeyVault;
  executors: Executors;
  now: () => number;
  newId: () => string;
  verifyWorkerEntry?: string;
  approvalTimeoutMs?: number;
  /** The bundled personas' folder: its trust list is protected like the user's. */
  bundledPersonasDir?: string;
};

const view = (g: Grant) => ({
  id: g.id,
  capability: g.capability,
  scope: describeScope(g.scope),
  effect: g.effect,
  duration: g.duration,
  usesLeft: g.usesLeft,
  expiresAt: g.expiresAt,
  createdAt: g.createdAt,
  revokedAt: g.revokedAt,
  actor: g.actor ?? 'user',
});

/** The last checkpoint, kept in the key store too (breach 7: a removed checkpoint file is noticed). */
const ANCHOR = 'audit-anchor.json';

export function createPolicyEngine(deps: PolicyDeps) {
  const { bus, settings } = deps;
  const disposables = new DisposableSet();
  const ledger = new Ledger({
    db: deps.db,
    keyring: loadKeyring(deps.keyVault),
    signingKey: loadSigningKey(deps.keyVault),
    checkpointFile: join(deps.dataDir, 'audit', 'checkpoints.log'),
    now: deps.now,
    verifyWorkerEntry: deps.verifyWorkerEntry,
    pin: {
      get: () => settings.get<string>('audit.checkpoint_public_key'),
      set: (v) => settings.set('audit.checkpoint_public_key', v),
    },
    anchor: {
      read: () => deps.keyVault.read(ANCHOR),
      write: (text) => deps.keyVault.write(ANCHOR, text),
    },
  });
  const grants = new GrantStore(deps.db, deps.sessionId);
  const costs = new CostLedger(deps.db);
  const tickets = new Tickets(deps.approvalTimeoutMs ?? 10 * 60_000);
  const inFlight = new Set<AbortController>();
  const trust = createPersonaTrust(
    settings,
    () => settings.get<PresetConfig>('policy.preset') ?? { name: 'assistant' },
  );
  let lastProblem: string | null = ledger.unhealthy;

  const blocks = hardBlocks(deps.dataDir, deps.bundledPersonasDir);
  const state = (): PolicyState => ({
    preset: settings.get<PresetConfig>('policy.preset') ?? { name: 'assistant' },
    posture: settings.get<Posture>('policy.posture') ?? 'balanced',
    auditProblem: ledger.unhealthy,
    hardBlocks: blocks,
    workspaceRoots: [deps.workspace],
    costCapHit: (capability, resource) =>
      capability.startsWith('router.remote') &&
      resource.kind === 'model' &&
      costs.isTripped(resource.provider),
    grants: grants.index,
    context: {
      now: deps.now(),
      sessionId: deps.sessionId,
      taskId: null,
      personaId: trust.personaId(),
    },
    persona: trust.modes(),
  });
  // Exporting the log is an action like any other: it goes through the gate, and is audited.
  const exportAudit: ToolExecutor<'audit.export'> = async (req) => {
    const { rows } = ledger.exportTo(req.path!);
    return {
      summary: `exported ${rows} audit rows, the checkpoints and the public key to ${req.path}`,
      output: req.path!,
    };
  };
  // What policy.change does once a person said yes.
  const admin: ToolExecutor<'policy.admin'> = async (req) => {
    const change = req.input;
    if (!change) throw new AetherError('BadRequest', 'no change given');
    switch (change.op) {
      case 'set_preset':
        settings.set('policy.preset', { name: change.preset });
        break;
      case 'set_posture':
        settings.set('policy.posture', change.posture);
        break;
      case 'set_cost_caps': {
        const { provider, dailyCents, monthlyCents, dailyTokens, monthlyTokens } = change;
        costs.setCaps(provider, { dailyCents, monthlyCents, dailyTokens, monthlyTokens });
        break;
      }
      case 'rearm_cost_cap':
        costs.rearm(change.provider);
        break;
      case 'rotate_audit_key':
        ledger.useKeyring(rotateKey(deps.keyVault, ledger.currentKeyring), deps.newId());
        break;
      case 'trust_persona_key':
        trustKey(
          join(deps.dataDir, 'personas', 'trusted-keys.json'),
          change.name,
          change.publicKey,
        );
        break;
      case 'confirm_persona_widening':
        trust.confirm(change.hash);
        break;
    }
    return { summary: `changed policy: ${describeChange(change)}`, output: '' };
  };
  const executors: Executors = {
    ...deps.executors,
    'audit.export': exportAudit,
    'policy.admin': admin,
  };
  const ctx: PerformContext = {
    bus,
    ledger,
    grants,
    tickets,
    executors,
    workspace: deps.workspace,
    state,
    now: deps.now,
    newId: deps.newId,
    personaId: () => trust.personaId(),
    inFlight,
    tainted: new Map(),
  };

  function reportHealth(): void {
    if (ledger.unhealthy === lastProblem) return;
    lastProblem = ledger.unhealthy;
    bus.emit(
      'policy.health_changed',
      { auditHealthy: !lastProblem, problem: lastProblem },
      { source: 'policy' },
    );
  }

  function userRow(
    changeId: string,
    kind: string,
    details: Record<string, unknown>,
    fields: {
      capability?: string;
      resource?: string;
      decision?: string;
      reason?: string;
      actor?: string;
    } = {},
  ) {
    try {
      const row = ledger.append(
        { changeId, kind, actor: 'user', details, ...fields },
        { durable: true },
      );
      bus.emit('policy.audit_appended', { seq: row.seq, kind }, { source: 'policy', changeId });
    } finally {
      reportHealth();
    }
  }

  function registerCommands(): void {
    disposables.add(
      bus.handle('policy.perform', async (input, c) => {
        try {
          return await perform(ctx, input, c.changeId);
        } catch (error) {
          if (error instanceof AetherError && error.code === 'AuditUnavailable') {
            return {
              status: 'denied',
              decision: 'deny',
              reason: 'audit-unavailable',
              resource: input.target,
              auditSeq: null,
              explanation: explainDecision(
                input.capability,
                input.target,
                'deny',
                'audit-unavailable',
              ),
              error: error.toInfo(),
            };
          }
          throw error;
        } finally {
          reportHealth();
        }
      }),
    );
    disposables.add(
      bus.handle('policy.respond_approval', (input, c) => {
        const refused = tickets.answer(input.ticketId, input.requestHash, input);
        c.note?.({
          details: {
            ticketId: input.ticketId,
            answer: input.answer,
            duration: input.duration,
            origin: c.origin,
            refused: refused ?? null,
          },
        });
        if (refused) {
          userRow(
            c.changeId,
            'policy.approval_refused',
            { ticketId: input.ticketId, answer: input.answer, origin: c.origin },
            { decision: 'deny', reason: refused },
          );
          return { accepted: false, reason: refused };
        }
        return { accepted: true };
      }),
    );
    disposables.add(bus.handle('policy.list_pending', () => ({ approvals: tickets.pending() })));
    disposables.add(
      bus.handle('policy.record', (input, c) => {
        try {
          const row = ledger.append({
            changeId: c.changeId,
            kind: input.kind,
            actor: input.actor,
            resource: input.resource,
            reason: input.reason,
            details: input.details,
          });
          bus.emit(
            'policy.audit_appended',
            { seq: row.seq, kind: input.kind },
            { source: 'policy', changeId: c.changeId },
          );
          return { seq: row.seq };
        } finally {
          reportHealth();
        }
      }),
    );
    disposables.add(
      bus.handle('policy.cancel_pending', (input) => ({
        cancelled: tickets.cancelAll(input.turnId),
      })),
    );
    disposables.add(
      bus.handle('policy.list_grants', (input) => ({
        grants: grants.list({ includeRevoked: input.includeRevoked }).map(view),
      })),
    );
    disposables.add(
      bus.handle('policy.revoke_grant', (input, c) => {
        const revoked = grants.revoke(input.id, deps.now(), 'user');
        c.note?.({ resource: input.id, details: { revoked } });
        if (revoked)
          bus.emit(
            'policy.grants_changed',
            { reason: 'revoked' },
            { source: 'policy', changeId: c.changeId },
          );
        return { revoked };
      }),
    );
    disposables.add(
      bus.handle('policy.revoke_capability', (input, c) => {
        if (!isCapability(input.capability))
          throw new AetherError('BadRequest', `unknown capability ${input.capability}`);
        const revoked = grants.revokeCapability(input.capability, deps.now(), 'user');
        c.note?.({ capability: input.capability, details: { count: revoked } });
        bus.emit(
          'policy.grants_changed',
          { reason: 'revoked' },
          { source: 'policy', changeId: c.changeId },
        );
        return { revoked };
      }),
    );
    disposables.add(
      bus.handle('policy.revoke_all', (_input, c) => {
        const started = performance.now();
        const revoked = grants.revokeAll(deps.now(), 'emergency');
        const cancelled = tickets.cancelAll() + inFlight.size;
        for (const abort of inFlight) abort.abort();
        const ms = performance.now() - started;
        c.note?.({ details: { count: revoked, cancelled, ms: Math.round(ms) } });
        bus.emit(
          'policy.grants_changed',
          { reason: 'revoked-all' },
          { source: 'policy', changeId: c.changeId },
        );
        return { revoked, cancelled, ms };
      }),
    );
    disposables.add(
      bus.handle('policy.list_audit', (input) => ({
        rows: ledger.list({
          beforeSeq: input.beforeSeq,
          limit: input.limit ?? 100,
          decision: input.decision,
          capability: input.capability,
        }),
        head: ledger.head().seq,
      })),
    );
    disposables.add(
      bus.handle('policy.verify_audit', async () => {
        const result = await ledger.verifyAsync();
        reportHealth();
        return result.ok
          ? {
              ok: true,
              rows: result.rows,
              checkpoints: result.checkpoints,
              message: `intact: ${result.rows} rows, ${result.checkpoints} signed checkpoints`,
            }
          : {
              ok: false,
              rows: result.rows,
              kind: result.kind,
              seq: result.seq,
              message: result.message,
            };
      }),
    );
    disposables.add(
      bus.handle('policy.export_audit', (_input, c) =>
        perform(
          ctx,
          {
            capability: 'audit.export',
            target: join(
              deps.dataDir,
              'exports',
              `audit-${new Date(deps.now()).toISOString().replace(/[:.]/g, '-')}`,
            ),
            actor: 'user',
            why: 'you asked to export the audit log',
          },
          c.changeId,
        ),
      ),
    );
    disposables.add(
      bus.handle('policy.change', (input, c) =>
        perform(
          ctx,
          {
            capability: 'policy.admin',
            target: describeChange(input),
            input,
            actor: 'user',
            why: 'you asked to change a setting',
          },
          c.changeId,
        ),
      ),
    );
    disposables.add(
      bus.handle('policy.reserve_cost', (input, c) => {
        const id = deps.newId();
        const r = costs.reserve(id, input.provider, input, deps.now());
        if (!r.ok) {
          userRow(
            c.changeId,
            'cost.cap_hit',
            { window: r.window, unit: r.unit },
            {
              capability: 'router.remote',
              resource: input.provider,
              decision: 'deny',
              reason: 'cost-cap',
            },
          );
          bus.emit(
            'policy.cost_cap_hit',
            { provider: input.provider, window: r.window, unit: r.unit },
            { source: 'policy', changeId: c.changeId },
          );
          return {
            ok: false,
            reservationId: null,
            reason: `the ${r.window} ${r.unit === 'cents' ? 'spending' : 'token'} cap for ${input.provider} is reached`,
          };
        }
        for (const w of r.warnings)
          bus.emit(
            'policy.cost_warning',
            { provider: input.provider, ...w },
            { source: 'policy', changeId: c.changeId },
          );
        return { ok: true, reservationId: r.id, reason: null };
      }),
    );
    disposables.add(
      bus.handle('policy.settle_cost', (input) => ({
        settled: costs.settle(input.reservationId, input),
      })),
    );
    disposables.add(
      bus.handle('policy.release_cost', (input) => ({
        released: costs.release(input.reservationId),
      })),
    );
    disposables.add(
      bus.handle('policy.get_costs', (input) => ({
        caps: costs.caps(input.provider),
        ...costs.usage(input.provider, deps.now()),
      })),
    );
    disposables.add(
      bus.handle('policy.explain', (input) => {
        const row = ledger.get(input.seq);
        if (!row) throw new AetherError('NotFound', `no audit row ${input.seq}`);
        if (!row.capability || !row.decision) return { text: `${row.kind} by ${row.actor}.` };
        const details = JSON.parse(row.details) as { why?: string };
        const text =
          row.kind === 'policy.outcome'
            ? `${row.decision === 'done' ? 'Done' : 'Failed'}: ${row.reason}.`
            : explainDecision(row.capability, row.resource ?? '', row.decision, row.reason ?? '');
        return { text: details.why ? `${text} Asked by ${row.actor}: “${details.why}”.` : text };
      }),
    );
    disposables.add(
      bus.handle('policy.get_state', () => {
        const s = state();
        return {
          preset: s.preset.name,
          posture: s.posture,
          auditHealthy: !ledger.unhealthy,
          auditProblem: ledger.unhealthy,
          workspace: deps.workspace,
          pending: tickets.pending().length,
          keyWarning: deps.keyVault.warning ?? null,
        };
      }),
    );
  }

  return {
    start(): void {
      registerCommands();
      disposables.add(
        bus.setAuditor(
          (row, change) => {
            try {
              return deps.db.transaction(() => {
                const out = change();
                const { note } = row;
                const written = ledger.append({
                  changeId: row.changeId,
                  kind: row.kind,
                  actor:
                    row.origin === 'internal' ? 'aether' : row.origin === 'api' ? 'api' : 'user',
                  resource: note.resource,
                  capability: note.capability,
                  decision: note.decision,
                  reason: note.reason,
                  details: { command: row.command, ...note.details },
                });
                bus.emit(
                  'policy.audit_appended',
                  { seq: written.seq, kind: row.kind },
                  { source: 'policy', changeId: row.changeId },
                );
                return out;
              })();
            } finally {
              reportHealth();
            }
          },
          (command, issues, c) => {
            try {
              const actor =
                c.origin === 'internal' ? 'aether' : c.origin === 'api' ? 'api' : 'user';
              userRow(
                c.changeId,
                'policy.rejected',
                { command, origin: c.origin, issues: issues.slice(0, 5) },
                { decision: 'deny', reason: 'bad-request', actor },
              );
            } catch {
              /* the ledger is unhealthy and says so; the caller still gets its BadRequest */
            }
          },
        ),
      );
      // Replayed from the start: the persona may have been activated before this engine started.
      disposables.add(
        bus.subscribe(
          (e) => {
            if (e.name !== 'persona.activated') return;
            const { confirm, applied } = trust.activate({
              id: e.payload.id,
              hash: e.payload.hash,
              ...e.payload.policy,
            });
            if (applied.length)
              userRow(deps.newId(), 'persona.widening_applied', {
                persona: e.payload.id,
                hash: e.payload.hash,
                widened: applied,
              });
            // Nobody is waiting on this: the persona answers with narrowed modes until the user says yes.
            if (confirm)
              void perform(ctx, confirm, deps.newId())
                .catch(() => null)
                .finally(reportHealth); // a failed row marks the ledger unhealthy
          },
          { afterSeq: 0 },
        ),
      );
      // Verify what is there before trusting it; until then the ledger's own checks apply.
      void ledger.verifyAsync().then(reportHealth, () => null); // a failure to verify marks the ledger unhealthy itself
    },
    dispose(): void {
      tickets.cancelAll();
      for (const abort of inFlight) abort.abort();
      disposables.dispose();
      ledger.dispose();
    },
    ledger,
    /** Engines' own executors (L4's model downloads), registered by the composition root. */
    registerExecutors(more: Executors): void {
      Object.assign(executors, more);
    },
    health: (): EngineHealth =>
      ledger.unhealthy
        ? { state: 'error', detail: ledger.unhealthy }
        : { state: 'ok', detail: `audit ${ledger.head().seq} rows` },
  };
}

export type PolicyEngine = ReturnType<typeof createPolicyEngine>;

function describeChange(change: { op: string; [k: string]: unknown }): string {
  const { op, ...rest } = change;
  const args = Object.entries(rest)
    .map(([k, v]) => `${k}=${v === null ? 'none' : String(v)}`)
    .join(' ');
  return args ? `${op} ${args}` : op;
}
