// What Aether may do without asking, and the way to take it back — one by one or all at once.
import { useEffect } from 'react';
import type { GrantView } from '../../engines/bus/index.ts';
import { useStores } from '../context.tsx';

const DURATION = {
  once: 'once',
  task: 'this task',
  session: 'this session',
  until: 'until a time',
  persistent: 'always',
} satisfies Record<GrantView['duration'], string>;

export function GrantsTab() {
  const { usePolicy } = useStores();
  const { grants, refreshGrants, revoke, revokeAll } = usePolicy();
  useEffect(() => {
    void refreshGrants();
  }, [refreshGrants]);
  return (
    <div className="tab-body">
      <div className="tab-toolbar">
        <span>
          {grants.length} active grant{grants.length === 1 ? '' : 's'}
        </span>
        <button
          className="danger"
          data-testid="grants-revoke-all"
          onClick={() => void revokeAll()}
          title="Revoke every grant and stop every waiting or running action"
        >
          Revoke all
        </button>
      </div>
      <ul className="rows" data-testid="grants-list">
        {grants.map((g) => (
          <li key={g.id} className="row" data-testid="grant-item">
            <div>
              <b className={g.effect === 'deny' ? 'deny' : ''}>
                {g.effect === 'deny' ? 'Never' : 'Allow'} {g.capability}
              </b>
              <code>{g.scope}</code>
              <span className="muted">
                {DURATION[g.duration]}
                {g.usesLeft !== null ? ` · ${g.usesLeft} uses left` : ''} ·{' '}
                {g.actor === 'user' ? 'for your own commands' : `for ${g.actor}`}
              </span>
            </div>
            <button
              onClick={() => void revoke(g.id)}
              aria-label={`Revoke ${g.capability} for ${g.scope}`}
            >
              Revoke
            </button>
          </li>
        ))}
        {grants.length === 0 && <li className="empty">Nothing is allowed without asking.</li>}
      </ul>
    </div>
  );
}
