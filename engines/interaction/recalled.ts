// What memory offered each turn stays in the prompt at that turn's place, so prompts only grow
// from turn to turn and the model finds all of an earlier turn — memories included — in its
// cache. A memory the user forgets, edits or rejects leaves every prompt at once.
import type { MemoryHit, Turn } from '../bus/index.ts';

/** The memory.changed reasons after which a kept memory may no longer be said as it was. */
const STALE = new Set([
  'forgotten',
  'edited',
  'rejected',
  'consolidated',
  'settings',
  'never-remember',
]);

export function createRecalled(limit = 2000) {
  const byTurn = new Map<string, MemoryHit[]>();
  return {
    keep(turnId: string, hits: MemoryHit[]): void {
      if (hits.length === 0) return;
      byTurn.set(turnId, hits);
      // The oldest go first; a turn that old is out of any prompt's window anyway.
      for (const oldest of byTurn.keys()) {
        if (byTurn.size <= limit) break;
        byTurn.delete(oldest);
      }
    },
    of: (turnId: string): MemoryHit[] => byTurn.get(turnId) ?? [],
    /** The memories a prompt built from these turns already holds. */
    idsIn(turns: Turn[]): Set<string> {
      return new Set(turns.flatMap((t) => (byTurn.get(t.id) ?? []).map((h) => h.id)));
    },
    /**
     * A memory changed: it leaves the prompts (all of them when no id is given). True when the
     * change makes what was recalled stale.
     */
    changed(reason: string, id: string | null): boolean {
      if (!STALE.has(reason)) return false;
      if (id === null) {
        byTurn.clear();
        return true;
      }
      for (const [turnId, hits] of byTurn) {
        const left = hits.filter((h) => h.id !== id);
        if (left.length === hits.length) continue;
        if (left.length) byTurn.set(turnId, left);
        else byTurn.delete(turnId);
      }
      return true;
    },
  };
}

export type Recalled = ReturnType<typeof createRecalled>;
