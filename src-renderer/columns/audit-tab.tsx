// The audit log: every decision and outcome, why it was made, and proof the log is intact.
import { useEffect } from 'react';
import type { AuditRowView } from '../../engines/bus/index.ts';
import { useStores } from '../context.tsx';
import type { PolicyState } from '../stores/policy.ts';

const time = (at: number) => new Date(at).toLocaleTimeString();

const FILTERS = [
  ['', 'All'],
  ['allow', 'Allowed'],
  ['deny', 'Refused'],
  ['ask', 'Asked'],
  ['done', 'Done'],
  ['failed', 'Failed'],
] as const;

function Toolbar({ p }: { p: PolicyState }) {
  return (
    <div className="tab-toolbar">
      <select
        aria-label="Filter by decision"
        value={p.auditFilter}
        onChange={(e) => void p.setFilter(e.target.value)}
        data-testid="audit-filter"
      >
        {FILTERS.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <button data-testid="audit-verify" onClick={() => void p.runVerify()} disabled={p.verifying}>
        {p.verifying ? 'Verifying…' : 'Verify'}
      </button>
      <button data-testid="audit-export" onClick={() => void p.exportAudit()}>
        Export
      </button>
    </div>
  );
}

function Row({ r, p }: { r: AuditRowView; p: PolicyState }) {
  const why = p.explained[r.seq];
  return (
    <li className="row audit-row" data-testid="audit-row" data-seq={r.seq}>
      <div>
        <span className="muted">
          #{r.seq} · {time(r.at)} · {r.kind.replace('policy.', '')}
        </span>
        <b className={r.decision === 'deny' || r.decision === 'failed' ? 'deny' : ''}>
          {r.decision ?? ''} {r.capability ?? ''}
        </b>
        {r.resource && <code>{r.resource}</code>}
        {why && <span className="explain">{why}</span>}
      </div>
      {!why && (
        <button onClick={() => void p.explain(r.seq)} aria-label={`Why, for row ${r.seq}`}>
          Why?
        </button>
      )}
    </li>
  );
}

export function AuditTab() {
  const { usePolicy } = useStores();
  const p = usePolicy();
  const { refreshAudit, verify } = p;
  useEffect(() => {
    void refreshAudit();
  }, [refreshAudit]);
  return (
    <div className="tab-body">
      <Toolbar p={p} />
      {p.keyWarning && (
        <p className="notice" role="note" data-testid="key-warning">
          {p.keyWarning}
        </p>
      )}
      {verify && (
        <p
          className={`verify ${verify.ok ? 'ok' : 'bad'}`}
          data-testid="audit-verify-result"
          data-ok={String(verify.ok)}
          role="status"
        >
          {verify.ok ? '✓ ' : '✗ '}
          {verify.message}
        </p>
      )}
      <ul className="rows" data-testid="audit-list">
        {p.audit.map((r) => (
          <Row key={r.seq} r={r} p={p} />
        ))}
        {p.audit.length === 0 && <li className="empty">Nothing recorded yet.</li>}
      </ul>
    </div>
  );
}
