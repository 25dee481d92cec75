// Review suggestions: grants worth a second look, each with the one L5 command that fixes it.
import type { GrantView, Suggestion } from '../bus/index.ts';
import { shortPath } from './words.ts';

export const UNUSED_DAYS = 30;
const DAY = 86_400_000;

const lasting = (g: GrantView) => g.duration === 'persistent' || g.duration === 'until';

/** A path scope that covers the whole home folder or the whole disk, or a scope of anything. */
function tooBroad(g: GrantView, home: string): boolean {
  return g.scope === 'anything' || g.scope === '/' || g.scope === home || g.scope === `${home}/`;
}

export function reviewOf(
  grants: readonly GrantView[],
  options: { now: number; home: string },
): Suggestion[] {
  const live = grants.filter((g) => g.revokedAt === null && g.effect === 'allow' && lasting(g));
  const out: Suggestion[] = [];
  const stale = live.filter((g) => (g.lastUsedAt ?? g.createdAt) < options.now - UNUSED_DAYS * DAY);
  if (stale.length > 0)
    out.push({
      id: 'unused',
      text: `${stale.length} grant${stale.length === 1 ? '' : 's'} unused for ${UNUSED_DAYS} days — revoke?`,
      fix: { op: 'revoke_grants', ids: stale.map((g) => g.id), label: 'Revoke them' },
    });
  for (const g of live.filter((g) => tooBroad(g, options.home))) {
    const where =
      g.scope === 'anything'
        ? 'anything'
        : `your whole ${g.scope === '/' ? 'disk' : 'home folder'}`;
    out.push({
      id: `broad:${g.id}`,
      text: `${g.capability} is always allowed on ${where} (${shortPath(g.scope, options.home)}) — narrow it? Revoke it and Aether asks again, for a smaller folder.`,
      fix: { op: 'revoke_grants', ids: [g.id], label: 'Revoke' },
    });
  }
  return out;
}
