// One policy.perform in progress: the context it runs in, and how it writes its rows and builds
// its outcome (every step leaves an audit row; a refusal is a row too).
import type { ActionOutcome, ActionRequest, Bus, Clock, Executors, NewId } from '../bus/index.ts';
import type { Ledger } from './audit/ledger.ts';
import type { PolicyState, Verdict } from './evaluate.ts';
import { explainDecision } from './explain.ts';
import type { GrantStore } from './grant-store.ts';
import type { CanonicalRequest } from './request.ts';
import type { Tickets } from './tickets.ts';

export type PerformContext = {
  bus: Bus;
  ledger: Ledger;
  grants: GrantStore;
  tickets: Tickets;
  executors: Executors;
  /** The workspace folder now (the user may move it in settings). */
  workspace: () => string;
  state: () => PolicyState;
  /** The hard blocks alone: what the executors' guard re-applies at the moment of use. */
  hardBlocks: PolicyState['hardBlocks'];
  clock: Clock;
  newId: NewId;
  personaId: () => string | null;
  inFlight: Set<AbortController>;
  /** Turns that already read untrusted content, and what it was. */
  tainted: Map<string, string>;
};

type RowFields = {
  capability?: string;
  resource?: string;
  decision?: string;
  reason?: string;
  details?: Record<string, unknown>;
};

// An allowed high or critical action is on disk (synchronous FULL) before it runs.
const DURABLE = new Set(['high', 'critical']);

/** An input as a person reads it: text as it is, anything else as indented JSON. */
export const shown = (input: unknown): string | null =>
  input === undefined ? null : typeof input === 'string' ? input : JSON.stringify(input, null, 1);

export function startRun(ctx: PerformContext, request: ActionRequest, changeId: string) {
  const meta = {
    source: 'policy' as const,
    changeId,
    ...(request.turnId ? { turnId: request.turnId } : {}),
  };

  function audit(kind: string, fields: RowFields, durable = false): number {
    const row = ctx.ledger.append({ changeId, kind, actor: request.actor, ...fields }, { durable });
    ctx.bus.emit('policy.audit_appended', { seq: row.seq, kind }, meta);
    return row.seq;
  }

  function outcome(
    status: ActionOutcome['status'],
    decision: ActionOutcome['decision'],
    reason: string,
    resource: string,
    auditSeq: number | null,
    extra: Partial<ActionOutcome> = {},
  ): ActionOutcome {
    const explanation = explainDecision(request.capability, resource, decision, reason);
    return { status, decision, reason, resource, auditSeq, explanation, error: null, ...extra };
  }

  /** The decision row (and event) for a verdict on the canonical request. */
  function decide(
    canon: CanonicalRequest,
    v: Verdict,
    extra: Record<string, unknown> = {},
  ): number {
    const details = {
      why: request.why,
      risk: v.risk,
      requestHash: canon.hash,
      grantId: v.grantId,
      ...extra,
    };
    const fields = {
      capability: canon.capability,
      resource: canon.display,
      decision: v.decision,
      reason: v.reason,
      details,
    };
    const seq = audit('policy.decision', fields, v.decision === 'allow' && DURABLE.has(v.risk));
    const decided = {
      auditSeq: seq,
      capability: canon.capability,
      resource: canon.display,
      decision: v.decision,
      reason: v.reason,
    };
    ctx.bus.emit('policy.decided', decided, meta);
    return seq;
  }

  return { ctx, request, meta, audit, outcome, decide };
}

export type Run = ReturnType<typeof startRun>;
