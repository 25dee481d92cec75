// The gate itself and the user's answers: policy.perform, approvals, records, changes, export.
import { join } from 'node:path';
import { AetherError, type HandlersFor } from '../../bus/index.ts';
import { describeChange } from '../admin.ts';
import type { PolicyCore } from '../core.ts';
import { explainDecision } from '../explain.ts';
import { perform } from '../perform.ts';
import { checkWorkspace } from '../workspace.ts';

type Gate = Pick<
  HandlersFor<'policy'>,
  | 'policy.perform'
  | 'policy.respond_approval'
  | 'policy.list_pending'
  | 'policy.record'
  | 'policy.cancel_pending'
  | 'policy.change'
  | 'policy.export_audit'
>;

function askHandlers(
  core: PolicyCore,
): Pick<
  HandlersFor<'policy'>,
  'policy.perform' | 'policy.respond_approval' | 'policy.list_pending'
> {
  const { ctx, tickets, reportHealth, userRow } = core;
  return {
    'policy.perform': async (input, c) => {
      try {
        return await perform(ctx, input, c.changeId);
      } catch (error) {
        if (!(error instanceof AetherError && error.code === 'AuditUnavailable')) throw error;
        return {
          status: 'denied',
          decision: 'deny',
          reason: 'audit-unavailable',
          resource: input.target,
          auditSeq: null,
          explanation: explainDecision(input.capability, input.target, 'deny', 'audit-unavailable'),
          error: error.toInfo(),
        };
      } finally {
        reportHealth();
      }
    },
    'policy.respond_approval': (input, c) => {
      const refused = tickets.answer(input.ticketId, input.requestHash, input);
      const { ticketId, answer, duration } = input;
      c.note?.({
        details: { ticketId, answer, duration, origin: c.origin, refused: refused ?? null },
      });
      if (!refused) return { accepted: true };
      userRow(
        c.changeId,
        'policy.approval_refused',
        { ticketId, answer, origin: c.origin },
        { decision: 'deny', reason: refused },
      );
      return { accepted: false, reason: refused };
    },
    'policy.list_pending': () => ({ approvals: tickets.pending() }),
  };
}

function recordHandlers(
  core: PolicyCore,
): Pick<HandlersFor<'policy'>, 'policy.record' | 'policy.cancel_pending' | 'policy.change'> {
  const { ctx, tickets, ledger, deps, reportHealth } = core;
  return {
    'policy.record': (input, c) => {
      try {
        const { kind, actor, resource, reason, details } = input;
        const row = ledger.append({ changeId: c.changeId, kind, actor, resource, reason, details });
        deps.bus.emit(
          'policy.audit_appended',
          { seq: row.seq, kind },
          { source: 'policy', changeId: c.changeId },
        );
        return { seq: row.seq };
      } finally {
        reportHealth();
      }
    },
    'policy.cancel_pending': (input) => ({ cancelled: tickets.cancelAll(input.turnId) }),
    'policy.change': (input, c) => {
      if (input.op === 'set_workspace') refuseBadWorkspace(core, input.path, c.changeId);
      return perform(
        ctx,
        {
          capability: 'policy.admin',
          target: describeChange(input),
          input,
          actor: 'user',
          why: 'you asked to change a setting',
        },
        c.changeId,
      );
    },
  };
}

/** A folder that cannot be the workspace is refused before any card asks, and on record. */
function refuseBadWorkspace(core: PolicyCore, path: string, changeId: string): void {
  try {
    checkWorkspace(path, core.deps.dataDir);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    core.userRow(
      changeId,
      'policy.change_refused',
      { op: 'set_workspace', path, reason },
      {
        capability: 'policy.admin',
        resource: path,
        decision: 'deny',
        reason,
      },
    );
    throw e;
  }
}

function changeHandlers(core: PolicyCore): Pick<HandlersFor<'policy'>, 'policy.export_audit'> {
  const { ctx, deps } = core;
  return {
    'policy.export_audit': (_input, c) => {
      const stamp = new Date(deps.clock.now()).toISOString().replace(/[:.]/g, '-');
      const target = join(deps.dataDir, 'exports', `audit-${stamp}`);
      return perform(
        ctx,
        {
          capability: 'audit.export',
          target,
          actor: 'user',
          why: 'you asked to export the audit log',
        },
        c.changeId,
      );
    },
  };
}

export function gateHandlers(core: PolicyCore): Gate {
  return {
    ...askHandlers(core),
    ...recordHandlers(core),
    ...changeHandlers(core),
  };
}
