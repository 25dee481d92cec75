// The header's posture badge: the most serious of L7's badges, opening the trust center.
import type { PostureBadge as Badge } from '../../engines/bus/index.ts';
import { useStores } from '../context.tsx';

const RANK = { bad: 2, warn: 1, ok: 0 } as const;
/** One empty list: a selector returning a new [] each time would re-render without end. */
const NONE: Badge[] = [];

export function worst(badges: readonly Badge[]): Badge | null {
  return [...badges].sort((a, b) => RANK[b.tone] - RANK[a.tone])[0] ?? null;
}

export function PostureBadge() {
  const { useTrust } = useStores();
  const badges = useTrust((s) => s.view?.posture ?? NONE);
  const open = useTrust((s) => s.open);
  const top = worst(badges);
  const local = badges.find((b) => b.id === 'local' || b.id === 'remote');
  const label = top && top.tone !== 'ok' ? top.label : (local?.label ?? 'Trust');
  return (
    <button
      className={`posture-badge tone-${top?.tone ?? 'ok'}`}
      data-testid="posture-badge"
      data-tone={top?.tone ?? 'ok'}
      title={badges.map((b) => b.label).join(' · ') || 'What Aether may do'}
      onClick={() => open('trust')}
    >
      {label}
    </button>
  );
}

/** Every badge, with what to do about each warning. */
export function PostureHeader({ badges }: { badges: readonly Badge[] }) {
  return (
    <div className="posture-header" data-testid="trust-posture">
      <div className="badges">
        {badges.map((b) => (
          <span key={b.id} className={`badge tone-${b.tone}`} data-id={b.id}>
            {b.label}
          </span>
        ))}
      </div>
      {badges
        .filter((b) => b.help)
        .map((b) => (
          <div key={b.id} className={`posture-help tone-${b.tone}`} role="status" data-id={b.id}>
            <b>{b.label}.</b> {b.help}
          </div>
        ))}
    </div>
  );
}
