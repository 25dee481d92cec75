// The audit log as the user reads it: rows, verification and explanations.
import { AetherError, type HandlersFor } from '../../bus/index.ts';
import type { PolicyCore } from '../core.ts';
import { explainDecision } from '../explain.ts';

type Audit = Pick<
  HandlersFor<'policy'>,
  'policy.list_audit' | 'policy.verify_audit' | 'policy.explain'
>;

export function auditHandlers(core: PolicyCore): Audit {
  const { ledger, reportHealth } = core;
  return {
    'policy.list_audit': (input) => ({
      rows: ledger.list({
        beforeSeq: input.beforeSeq,
        limit: input.limit ?? 100,
        decision: input.decision,
        capability: input.capability,
        kind: input.kind,
        sinceAt: input.sinceAt,
      }),
      head: ledger.head().seq,
    }),
    'policy.verify_audit': async () => {
      const r = await ledger.verifyAsync();
      reportHealth();
      return r.ok
        ? {
            ok: true,
            rows: r.rows,
            checkpoints: r.checkpoints,
            message: `intact: ${r.rows} rows, ${r.checkpoints} signed checkpoints`,
          }
        : { ok: false, rows: r.rows, kind: r.kind, seq: r.seq, message: r.message };
    },
    'policy.explain': (input) => {
      const row = ledger.get(input.seq);
      if (!row) throw new AetherError('NotFound', `no audit row ${input.seq}`);
      if (!row.capability || !row.decision) return { text: `${row.kind} by ${row.actor}.` };
      const details = JSON.parse(row.details) as { why?: string };
      const text =
        row.kind === 'policy.outcome'
          ? `${row.decision === 'done' ? 'Done' : 'Failed'}: ${row.reason}.`
          : explainDecision(row.capability, row.resource ?? '', row.decision, row.reason ?? '');
      return { text: details.why ? `${text} Asked by ${row.actor}: “${details.why}”.` : text };
    },
  };
}
