// Can do · will ask · will never do, each line with its "why?" (preset → persona → grant).
import type { TrustLine, TrustView } from '../../engines/bus/index.ts';
import { useStores } from '../context.tsx';

function Line({ line }: { line: TrustLine }) {
  const { usePolicy } = useStores();
  const revoke = usePolicy((s) => s.revoke);
  return (
    <li className="trust-line" data-capability={line.capability}>
      <details>
        <summary>{line.text}</summary>
        <p className="muted">{line.why}</p>
      </details>
      {line.grantId && (
        <button
          data-testid="trust-revoke"
          onClick={() => void revoke(line.grantId!)}
          aria-label={`Revoke: ${line.text}`}
        >
          Revoke
        </button>
      )}
    </li>
  );
}

const COLUMNS = [
  ['can', 'Can do', 'On its own, inside the limits shown.'],
  ['ask', 'Will ask', 'An approval card first; you choose once, for a while, or always.'],
  ['never', 'Will never do', 'Refused, whatever the conversation says.'],
] as const;

export function TrustColumns({ view }: { view: Pick<TrustView, 'can' | 'ask' | 'never'> }) {
  return (
    <div className="trust-columns">
      {COLUMNS.map(([id, title, sub]) => (
        <section key={id} className="trust-column" data-testid={`trust-${id}`}>
          <h3>{title}</h3>
          <p className="muted">{sub}</p>
          <ul>
            {view[id].map((line, i) => (
              <Line key={`${line.capability}-${line.grantId ?? i}`} line={line} />
            ))}
            {view[id].length === 0 && <li className="empty">Nothing.</li>}
          </ul>
        </section>
      ))}
    </div>
  );
}
