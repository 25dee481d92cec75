// The audit log: every decision and outcome, why it was made, and proof the log is intact.
import { useEffect } from 'react';
import { useStores } from '../context.tsx';

const time = (at: number) => new Date(at).toLocaleTimeString();

export function AuditTab() {
  const { usePolicy } = useStores();
  const {
    audit,
    refreshAudit,
    auditFilter,
    setFilter,
    verify,
    verifying,
    runVerify,
    exportAudit,
    explain,
    explained,
    keyWarning,
  } = usePolicy();
  useEffect(() => {
    void refreshAudit();
  }, [refreshAudit]);
  return (
    <div className="tab-body">
      <div className="tab-toolbar">
        <select
          aria-label="Filter by decision"
          value={auditFilter}
          onChange={(e) => void setFilter(e.target.value)}
          data-testid="audit-filter"
        >
          <option value="">All</option>
          <option value="allow">Allowed</option>
          <option value="deny">Refused</option>
          <option value="ask">Asked</option>
          <option value="done">Done</option>
          <option value="failed">Failed</option>
        </select>
        <button data-testid="audit-verify" onClick={() => void runVerify()} disabled={verifying}>
          {verifying ? 'Verifying…' : 'Verify'}
        </button>
        <button data-testid="audit-export" onClick={() => void exportAudit()}>
          Export
        </button>
      </div>
      {keyWarning && (
        <p className="notice" role="note" data-testid="key-warning">
          {keyWarning}
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
        {audit.map((r) => (
          <li key={r.seq} className="row audit-row" data-testid="audit-row" data-seq={r.seq}>
            <div>
              <span className="muted">
                #{r.seq} · {time(r.at)} · {r.kind.replace('policy.', '')}
              </span>
              <b className={r.decision === 'deny' || r.decision === 'failed' ? 'deny' : ''}>
                {r.decision ?? ''} {r.capability ?? ''}
              </b>
              {r.resource && <code>{r.resource}</code>}
              {explained[r.seq] && <span className="explain">{explained[r.seq]}</span>}
            </div>
            {!explained[r.seq] && (
              <button onClick={() => void explain(r.seq)} aria-label={`Why, for row ${r.seq}`}>
                Why?
              </button>
            )}
          </li>
        ))}
        {audit.length === 0 && <li className="empty">Nothing recorded yet.</li>}
      </ul>
    </div>
  );
}
