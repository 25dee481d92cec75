// L5 policy: the single door for side effects, the approvals a user answers, the grants they
// leave, and the audit ledger that proves afterwards what was decided and done. This file wires
// the parts: the shared core (core.ts), the handlers by area (handlers/), the bus's auditor, and
// the persona whose signed modes may widen the policy only after a yes.
import {
  DisposableSet,
  type Engine,
  type Envelope,
  type Executors,
  type HandlersFor,
} from '../bus/index.ts';
import { actorOf, createPolicyCore, type PolicyCore, type PolicyDeps } from './core.ts';
import { auditHandlers } from './handlers/audit.ts';
import { stateHandlers } from './handlers/state.ts';
import { costHandlers } from './handlers/costs.ts';
import { gateHandlers } from './handlers/gate.ts';
import { grantHandlers } from './handlers/grants.ts';
import { perform } from './perform.ts';
import { undoHandlers } from './undo.ts';

export type { PolicyDeps } from './core.ts';

export function createPolicyEngine(deps: PolicyDeps) {
  const core = createPolicyCore(deps);
  const { ledger, tickets, inFlight, executors } = core;
  const disposables = new DisposableSet();
  const handlers = {
    ...gateHandlers(core),
    ...grantHandlers(core),
    ...auditHandlers(core),
    ...stateHandlers(core),
    ...costHandlers(core),
    ...undoHandlers(deps.bus, ledger),
  } satisfies HandlersFor<'policy'>;

  const engine = {
    start(): void {
      disposables.add(deps.bus.handleAll(handlers));
      disposables.add(installAuditor(core));
      // Replayed from the start: the persona may have been activated before this engine started.
      disposables.add(deps.bus.subscribe((e) => onPersona(core, e), { afterSeq: 0 }));
      // Verify what is there before trusting it; until then the ledger's own checks apply (a
      // failure to verify marks the ledger unhealthy itself).
      void ledger.verifyAsync().then(core.reportHealth, () => null);
    },
    dispose(): void {
      tickets.cancelAll();
      for (const abort of inFlight) abort.abort();
      disposables.dispose();
      ledger.dispose();
    },
    health: () =>
      ledger.unhealthy
        ? { state: 'error' as const, detail: ledger.unhealthy }
        : { state: 'ok' as const, detail: `audit ${ledger.head().seq} rows` },
    ledger,
    /** Engines' own executors (L4's model downloads), registered by the composition root. */
    registerExecutors(more: Executors): void {
      Object.assign(executors, more);
    },
  } satisfies Engine & Record<string, unknown>;
  return engine;
}

export type PolicyEngine = ReturnType<typeof createPolicyEngine>;

/** Audited commands commit their change and their row in one transaction (decision 0011). */
function installAuditor(core: PolicyCore) {
  const { deps, ledger, reportHealth, userRow } = core;
  return deps.bus.setAuditor(
    (row, change) => {
      try {
        return deps.db.transaction(() => {
          const out = change();
          const { note } = row;
          const written = ledger.append({
            changeId: row.changeId,
            kind: row.kind,
            actor: actorOf(row.origin),
            resource: note.resource,
            capability: note.capability,
            decision: note.decision,
            reason: note.reason,
            details: { command: row.command, ...note.details },
          });
          deps.bus.emit(
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
        const details = { command, origin: c.origin, issues: issues.slice(0, 5) };
        userRow(c.changeId, 'policy.rejected', details, {
          decision: 'deny',
          reason: 'bad-request',
          actor: actorOf(c.origin),
        });
      } catch {
        /* the ledger is unhealthy and says so; the caller still gets its BadRequest */
      }
    },
  );
}

/** A persona went live: narrowed at once, widened only once the user said yes to that pack. */
function onPersona(core: PolicyCore, e: Envelope): void {
  if (e.name !== 'persona.activated') return;
  const { id, hash, policy } = (e as Envelope<'persona.activated'>).payload;
  const { confirm, applied } = core.trust.activate({ id, hash, ...policy });
  if (applied.length)
    core.userRow(core.deps.newId(), 'persona.widening_applied', {
      persona: id,
      hash,
      widened: applied,
    });
  // Nobody is waiting on this: a failed row marks the ledger unhealthy, which reportHealth tells.
  if (confirm)
    void perform(core.ctx, confirm, core.deps.newId())
      .catch(() => null)
      .finally(core.reportHealth);
}
