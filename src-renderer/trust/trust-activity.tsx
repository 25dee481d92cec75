// What Aether did, asked and was refused, as sentences; each opens its audit row's explanation.
import { activityOutcomes, capabilityNames } from '../../engines/bus/index.ts';
import { useStores } from '../context.tsx';

const when = (at: number) => new Date(at).toLocaleString();

function Filters() {
  const { useTrust } = useStores();
  const { filter, loadActivity } = useTrust();
  return (
    <div className="tab-toolbar">
      <select
        aria-label="Time"
        value={filter.window}
        onChange={(e) => void loadActivity({ window: e.target.value as '24h' | '7d' })}
      >
        <option value="24h">Last 24 hours</option>
        <option value="7d">Last 7 days</option>
      </select>
      <select
        aria-label="Capability"
        data-testid="activity-capability"
        value={filter.capability}
        onChange={(e) => void loadActivity({ capability: e.target.value })}
      >
        <option value="">Everything</option>
        {capabilityNames.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
      <select
        aria-label="Outcome"
        data-testid="activity-outcome"
        value={filter.outcome}
        onChange={(e) => void loadActivity({ outcome: e.target.value })}
      >
        <option value="">Any outcome</option>
        {activityOutcomes.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}

export function TrustActivity() {
  const { useTrust, usePolicy } = useStores();
  const activity = useTrust((s) => s.activity);
  const undo = useTrust((s) => s.undo);
  const explained = usePolicy((s) => s.explained);
  const explain = usePolicy((s) => s.explain);
  return (
    <section className="trust-section" data-testid="trust-activity">
      <h3>Recent activity</h3>
      <Filters />
      <ul className="rows">
        {activity.map((e) => (
          <li key={e.changeId} className="row" data-testid="activity-row" data-outcome={e.outcome}>
            <div>
              <span className="muted">
                {when(e.at)} · {e.outcome}
              </span>
              <span>{e.sentence}</span>
              {explained[e.auditSeq] && (
                <span className="explain">
                  Audit row #{e.auditSeq}: {explained[e.auditSeq]}
                </span>
              )}
            </div>
            {e.undoSeq !== null && e.outcome === 'done' && (
              <button data-testid="activity-undo" onClick={() => void undo(e.undoSeq!)}>
                Undo
              </button>
            )}
            {!explained[e.auditSeq] && (
              <button onClick={() => void explain(e.auditSeq)} data-testid="activity-open">
                Audit row
              </button>
            )}
          </li>
        ))}
        {activity.length === 0 && <li className="empty">Nothing in this time.</li>}
      </ul>
    </section>
  );
}
