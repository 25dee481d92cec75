// The question the user answers before Aether acts: what, where, how risky, who asked and why;
// for which scope and how long. Enter allows once, Escape denies.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Approval, DurationChoice } from '../../engines/bus/index.ts';
import { useStores } from '../context.tsx';

const CUSTOM = '__custom';
// Labels for the contract's durations: a duration added there fails to compile here until labelled.
const LABELS = {
  once: 'Just this once',
  task: 'For this task',
  session: 'Until Aether restarts',
  hour: 'For an hour',
  day: 'For a day',
  always: 'Always',
} satisfies Record<DurationChoice, string>;
const DURATIONS = Object.entries(LABELS) as Array<[DurationChoice, string]>;
type Duration = DurationChoice;

type Answer = (
  kind: 'allow' | 'deny' | 'draft',
  quick?: boolean,
  variant?: 'without-private',
) => Promise<void>;

/** What is asked, where, how risky, by whom and why. */
function Summary({ approval }: { approval: Approval }) {
  return (
    <>
      <div className="approval-head">
        <span className={`risk risk-${approval.risk}`}>{approval.risk} risk</span>
        <strong>{approval.label}</strong>
      </div>
      <code className="approval-resource" data-testid="approval-resource">
        {approval.resource || '—'}
      </code>
      <p className="approval-why">
        Asked by <b>{approval.actor}</b>
        {approval.why ? <>: {approval.why}</> : null}
      </p>
      {approval.untrusted !== null && (
        <p className="approval-untrusted" data-testid="approval-untrusted" role="alert">
          This follows content Aether read from outside in this turn ({approval.untrusted}); it may
          carry someone else's instructions. Allow only if you asked for this.
        </p>
      )}
      {approval.preview !== null && <pre className="approval-preview">{approval.preview}</pre>}
    </>
  );
}

type Choice = {
  scope: string;
  custom: string;
  duration: Duration;
  uses: number;
};

type ChoiceProps = {
  approval: Approval;
  choice: Choice;
  change: (patch: Partial<Choice>) => void;
};

function ScopeChoice({ approval, choice, change }: ChoiceProps) {
  return (
    <>
      <label>
        For
        <select
          data-testid="approval-scope"
          value={choice.scope}
          onChange={(e) => change({ scope: e.target.value })}
        >
          {approval.scopeOptions.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
          <option value={CUSTOM}>A pattern I type…</option>
        </select>
      </label>
      {choice.scope === CUSTOM && (
        <input
          data-testid="approval-custom-scope"
          placeholder="a folder, a command prefix or a host"
          value={choice.custom}
          onChange={(e) => change({ custom: e.target.value })}
        />
      )}
    </>
  );
}

const USES: Array<[number, string]> = [
  [0, 'no limit'],
  [3, '3 times'],
  [10, '10 times'],
];

function TimeChoice({ approval, choice, change }: ChoiceProps) {
  return (
    <>
      <label>
        How long
        <select
          data-testid="approval-duration"
          value={choice.duration}
          onChange={(e) => change({ duration: e.target.value as Duration })}
          disabled={approval.risk === 'critical' || approval.untrusted !== null}
        >
          {DURATIONS.map(([id, label]) => (
            <option key={id} value={id}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {choice.duration !== 'once' && (
        <label>
          Uses
          <select
            data-testid="approval-uses"
            value={choice.uses}
            onChange={(e) => change({ uses: Number(e.target.value) })}
          >
            {USES.map(([n, label]) => (
              <option key={n} value={n}>
                {label}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
}

function Actions({ approval, answer }: { approval: Approval; answer: Answer }) {
  return (
    <div className="approval-actions">
      <button className="primary" data-testid="approval-allow" onClick={() => void answer('allow')}>
        Allow
      </button>
      {approval.variants.map((v) => (
        <button
          key={v.id}
          data-testid={`approval-${v.id}`}
          onClick={() => void answer('allow', false, v.id)}
        >
          {v.label}
        </button>
      ))}
      <button data-testid="approval-draft" onClick={() => void answer('draft')}>
        Draft only
      </button>
      <button className="danger" data-testid="approval-deny" onClick={() => void answer('deny')}>
        {approval.capability.startsWith('router.remote') ? 'Keep it local' : 'Deny'}
      </button>
      <span className="hint">Enter allows once · Esc denies</span>
    </div>
  );
}

/** Enter allows once and Escape denies, unless a field of the card has the keyboard. */
const shortcuts = (answer: Answer) => (e: KeyboardEvent<HTMLDivElement>) => {
  if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
  if (e.key !== 'Enter' && e.key !== 'Escape') return;
  e.preventDefault();
  void answer(e.key === 'Enter' ? 'allow' : 'deny', true);
};

function Card({ approval, onDone }: { approval: Approval; onDone: () => void }) {
  const { usePolicy } = useStores();
  const respond = usePolicy((s) => s.respond);
  const [choice, setChoice] = useState<Choice>({
    scope: approval.scopeOptions[0]?.id ?? '',
    custom: '',
    duration: 'once',
    uses: 0,
  });
  const change = (patch: Partial<Choice>) => setChoice((c) => ({ ...c, ...patch }));
  const card = useRef<HTMLDivElement>(null);

  useEffect(() => {
    card.current?.focus();
  }, [approval.ticketId]);

  const answer: Answer = async (kind, quick = false, variant) => {
    const { scope, custom, duration, uses } = choice;
    const chosen =
      quick || variant
        ? { duration: 'once' as const, variant }
        : {
            duration,
            scopeOption: scope === CUSTOM ? undefined : scope,
            customScope: scope === CUSTOM && custom.trim() ? custom.trim() : undefined,
            uses: duration !== 'once' && uses > 0 ? uses : undefined,
          };
    await respond(approval, kind, chosen);
    onDone();
  };

  return (
    <div
      className={`approval risk-${approval.risk}`}
      data-testid="approval-card"
      role="dialog"
      aria-label="Approval needed"
      tabIndex={-1}
      ref={card}
      onKeyDown={shortcuts(answer)}
    >
      <Summary approval={approval} />
      <div className="approval-choices">
        <ScopeChoice approval={approval} choice={choice} change={change} />
        <TimeChoice approval={approval} choice={choice} change={change} />
      </div>
      <Actions approval={approval} answer={answer} />
    </div>
  );
}

export function Approvals({ onAnswered }: { onAnswered: () => void }) {
  const { usePolicy } = useStores();
  const pending = usePolicy((s) => s.pending);
  if (pending.length === 0) return null;
  const [first, ...rest] = pending;
  return (
    <div className="approvals">
      <Card key={first.ticketId} approval={first} onDone={onAnswered} />
      {rest.length > 0 && (
        <ul
          className="pending-drawer"
          data-testid="approval-pending-list"
          aria-label="More requests waiting"
        >
          {rest.map((a) => (
            <li key={a.ticketId}>
              {a.label}: <code>{a.resource}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
