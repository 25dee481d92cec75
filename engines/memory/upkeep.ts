// Background upkeep in quiet moments: expiry, purge, merging duplicates, then summaries of
// conversations that went quiet. Pausable; never while a turn runs.
import { consolidate, mergeDuplicates } from './consolidate.ts';
import type { MemoryCore } from './memory-core.ts';
import { summarizeQuiet } from './summarize.ts';

/** Starts the timer; the returned function stops it. Failures go to `onError` (health degraded). */
export function startUpkeep(core: MemoryCore, onError: (error: Error) => void): () => void {
  const { deps, vectors, sessions, embeddings, changed, settingsView } = core;
  let stopped = false;
  const paused = () => stopped || settingsView().consolidationPaused;
  const run = async () => {
    if (paused()) return;
    const turn = await deps.bus.invoke('turn.get_state', {}).catch(() => ({ state: 'idle' }));
    // Paused while it waited for the turn state: the pause wins.
    if (paused() || (turn.state !== 'idle' && turn.state !== 'error')) return;
    const report = consolidate(deps.db, deps.clock.now(), core.graceMs);
    for (const rowid of report.purgedRowids) vectors.remove(rowid);
    const merged = mergeDuplicates(deps.db, deps.clock.now(), core.graceMs);
    if (report.expired + report.purged + merged.merged > 0) changed('consolidated', null);
    if (paused()) return;
    const summaries = await summarizeQuiet(deps.bus, sessions, {
      now: deps.clock.now(),
      quietMs: deps.summarizeQuietMs ?? 2 * 3_600_000,
      minTurns: 6,
      limit: 3,
      newId: deps.newId,
      onSummarized: (rowid, content) => embeddings.later(rowid, content),
    });
    if (summaries.summarized > 0) changed('summarized', null);
  };
  const safely = () => void run().catch(onError);
  const every = deps.consolidateEveryMs ?? 10 * 60_000;
  const timer = deps.clock.setInterval(safely, every, { background: true });
  safely();
  return () => {
    stopped = true;
    deps.clock.clearInterval(timer);
  };
}
