// L2 memory: every turn becomes memory at once; durable facts are written through L5; the user
// can search, see why, edit, confirm, forget and export. Retrieval answers by a deadline. This
// file wires the parts: the shared core (memory-core.ts), the handlers by area (handlers/), L5's
// executors, the listeners, and background upkeep.
import { DisposableSet, type Engine, type EngineHealth, type HandlersFor } from '../bus/index.ts';
import { keepArtifact } from './artifacts.ts';
import { memoryExecutors } from './executors.ts';
import { itemHandlers } from './handlers/items.ts';
import { settingsHandlers } from './handlers/settings.ts';
import { turnHandlers } from './handlers/turns.ts';
import { createMemoryCore, type MemoryCore, type MemoryDeps } from './memory-core.ts';
import { startUpkeep } from './upkeep.ts';

export type { MemoryDeps } from './memory-core.ts';

export function createMemoryEngine(deps: MemoryDeps) {
  const core = createMemoryCore(deps);
  const disposables = new DisposableSet();
  let health: EngineHealth = { state: 'starting' };
  const handlers = {
    ...turnHandlers(core),
    ...itemHandlers(core),
    ...settingsHandlers(core),
  } satisfies HandlersFor<'memory'>;

  const engine = {
    start(): void {
      disposables.add(deps.bus.handleAll(handlers));
      listen(core, disposables);
      disposables.addFn(() => core.embeddings.dispose());
      disposables.addFn(() => core.extractor.dispose());
      core.embeddings.backfill();
      disposables.addFn(
        startUpkeep(core, (e) => {
          health = { state: 'degraded', detail: `consolidation failed: ${e.message}` };
        }),
      );
      health = { state: 'ok' };
    },
    dispose: () => disposables.dispose(),
    health: (): EngineHealth => {
      const vectors = core.vectors.available ? '' : ` (${core.vectors.problem})`;
      return { ...health, detail: `${core.queries.activeCount()} memories${vectors}` };
    },
    store: core.store,
    vectors: core.vectors,
    executors: () => memoryExecutors(core),
  } satisfies Engine & Record<string, unknown>;
  return engine;
}

export type MemoryEngine = ReturnType<typeof createMemoryEngine>;

/** The events memory follows: the persona's rules, new models, and what L5 read for the user. */
function listen(core: MemoryCore, disposables: DisposableSet): void {
  const { bus } = core.deps;
  // Replayed from the start: the persona may have been activated before this engine started.
  disposables.add(
    bus.subscribe(
      (e) => {
        if (e.name === 'persona.activated') Object.assign(core.rules, e.payload.memory);
      },
      { afterSeq: 0 },
    ),
  );
  disposables.add(
    bus.on('models.changed', () => {
      core.embeddings.modelsChanged();
      core.extractor.poke();
    }),
  );
  disposables.add(
    bus.on('policy.performed', (event) => {
      const { capability, resource, excerpt } = event.payload;
      if (excerpt === null) return;
      const { deps, store } = core;
      const { item, added } = keepArtifact(deps.db, store, {
        capability,
        resource,
        excerpt,
        turnId: event.turnId ?? null,
        now: deps.clock.now(),
        newId: deps.newId,
      });
      core.embeddings.later(item.rowid, item.content);
      core.changed(added ? 'added' : 'edited', item.id);
    }),
  );
}
