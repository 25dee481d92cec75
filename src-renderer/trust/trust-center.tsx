// The trust center: posture, can / ask / never, grants by capability, suggestions, activity,
// spending and the audit log's health. Every button here is an L5 command.
import type { GrantView, TrustView } from '../../engines/bus/index.ts';
import { Approvals } from '../components/approval-card.tsx';
import { dollars } from '../components/units.ts';
import { useStores } from '../context.tsx';
import { PostureHeader } from './posture-badge.tsx';
import { TrustActivity } from './trust-activity.tsx';
import { TrustColumns } from './trust-columns.tsx';

const DURATION: Record<GrantView['duration'], string> = {
  once: 'once',
  task: 'one task',
  session: 'this session',
  until: 'until a time',
  persistent: 'always',
};
const date = (at: number | null) => (at ? new Date(at).toLocaleString() : 'never');

function Grants({ grants }: { grants: GrantView[] }) {
  const { usePolicy } = useStores();
  const { revoke, revokeAll, revokeCapability } = usePolicy();
  const groups = new Map<string, GrantView[]>();
  for (const g of grants) groups.set(g.capability, [...(groups.get(g.capability) ?? []), g]);
  return (
    <section className="trust-section" data-testid="trust-grants">
      <h3>
        Grants{' '}
        {grants.length > 0 && (
          <button className="danger" onClick={() => void revokeAll()}>
            Revoke all
          </button>
        )}
      </h3>
      {grants.length === 0 && <p className="empty">Nothing is allowed beyond your preset.</p>}
      {[...groups].map(([capability, list]) => (
        <div key={capability} className="grant-group">
          <h4>
            {capability}{' '}
            <button onClick={() => void revokeCapability(capability)}>
              Revoke all {capability}
            </button>
          </h4>
          <ul className="rows">
            {list.map((g) => (
              <li key={g.id} className="row" data-testid="trust-grant" data-id={g.id}>
                <div>
                  <b className={g.effect === 'deny' ? 'deny' : ''}>
                    {g.effect === 'deny' ? 'Never' : 'Allow'} <code>{g.scope}</code>
                  </b>
                  <span className="muted">
                    {DURATION[g.duration]}
                    {g.usesLeft !== null ? ` · ${g.usesLeft} uses left` : ''} · used {g.timesUsed}×
                    · last used {date(g.lastUsedAt)} ·{' '}
                    {g.actor === 'user' ? 'for your own commands' : `asked by ${g.actor}`}
                  </span>
                </div>
                <button onClick={() => void revoke(g.id)}>Revoke</button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

function Suggestions({ view }: { view: TrustView }) {
  const { useTrust } = useStores();
  const fix = useTrust((s) => s.fix);
  if (view.suggestions.length === 0) return null;
  return (
    <section className="trust-section" data-testid="trust-suggestions">
      <h3>Worth a look</h3>
      <ul className="rows">
        {view.suggestions.map((s) => (
          <li key={s.id} className="row" data-testid="trust-suggestion">
            <div>{s.text}</div>
            <button onClick={() => void fix(s)}>{s.fix.label}</button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Health({ view }: { view: TrustView }) {
  const { usePolicy } = useStores();
  const { runVerify, verifying, verify } = usePolicy();
  const a = view.audit;
  return (
    <section className="trust-section" data-testid="trust-audit">
      <h3>Audit log</h3>
      <p>
        {a.healthy ? 'Healthy' : `Broken: ${a.problem}`} · {a.head} rows · signed up to row{' '}
        {a.checkpointSeq} · key <code>{a.keyFingerprint}</code> · last verified{' '}
        {a.lastVerify ? `${date(a.lastVerify.at)} (${a.lastVerify.message})` : 'not yet'}
      </p>
      <button onClick={() => void runVerify()} disabled={verifying}>
        {verifying ? 'Verifying…' : 'Verify now'}
      </button>
      {verify && <span className={verify.ok ? 'muted' : 'deny'}> {verify.message}</span>}
      {view.spending.map((s) => (
        <p key={s.provider} data-testid="trust-spending">
          {s.provider}: today {dollars(s.daily.cents)}
          {s.daily.capCents !== null ? ` of ${dollars(s.daily.capCents)}` : ''} · this month{' '}
          {dollars(s.monthly.cents)}
          {s.monthly.capCents !== null ? ` of ${dollars(s.monthly.capCents)}` : ''}
          {s.tripped ? ' · cap reached: remote requests stopped' : ''}
        </p>
      ))}
    </section>
  );
}

export function TrustCenter() {
  const { useTrust } = useStores();
  const view = useTrust((s) => s.view);
  const notice = useTrust((s) => s.notice);
  if (!view) return <p className="empty">Loading…</p>;
  return (
    <div className="trust-body">
      <Approvals onAnswered={() => {}} />
      <PostureHeader badges={view.posture} />
      {notice && <p className="deny">{notice}</p>}
      <TrustColumns view={view} />
      <Suggestions view={view} />
      <Grants grants={view.grants.filter((g) => g.revokedAt === null)} />
      <TrustActivity />
      <Health view={view} />
    </div>
  );
}
