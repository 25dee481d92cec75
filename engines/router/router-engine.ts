// L4 router: where a turn's generation runs (local small · local main · remote, chosen by
// planRoute), the agent loop, and which models there are. This file wires the parts: the
// local model processes (local-tiers.ts), the remote tier, the model manager, the generator and
// the handlers of router.* and models.*.
import { join } from 'node:path';
import {
  DisposableSet,
  type Bus,
  type CatalogEntry,
  type Clock,
  type Engine,
  type EngineHealth,
  type Executors,
  type HandlersFor,
  type NewId,
} from '../bus/index.ts';
import type { Db } from '../storage/index.ts';
import { createGenerator } from './generate.ts';
import { routerHandlers } from './handlers/router.ts';
import { createLocalTiers, type LocalTiers } from './local-tiers.ts';
import type { SpawnWorker } from './local/protocol.ts';
import { modelHandlers } from './models/handlers.ts';
import { ModelManager } from './models/model-manager.ts';
import { createRemoteTier } from './remote/remote-tier.ts';

export { NO_MODEL_MESSAGE } from './generate.ts';

export type RouterDeps = {
  bus: Bus;
  db: Db;
  settings: { get<T>(key: string): T | undefined; set(key: string, value: unknown): void };
  dataDir: string;
  catalog: CatalogEntry[];
  /** Where the remote provider's key is kept (the same vault as the audit keys). */
  secrets: { read(name: string): string | null; write(name: string, value: string): void };
  spawnWorker: SpawnWorker;
  /** A model given at start (--model, AETHER_MODEL) wins over the saved default. */
  modelPath: string | null;
  threads: number;
  contextSize?: number;
  gpu?: 'auto' | 'off';
  clock: Clock;
  newId: NewId;
  maxTokens?: number;
  temperature?: number;
};

/** The router's parts: this machine's models, the remote tier, the model manager, the generator. */
function createParts(deps: RouterDeps) {
  const { bus, settings, secrets, clock } = deps;
  const local = createLocalTiers({ ...deps, monotonic: clock.monotonic });
  const remote = createRemoteTier({
    bus,
    settings,
    secrets,
    monotonic: clock.monotonic,
    sleep: clock.sleep,
  });
  const models = new ModelManager({
    bus,
    db: deps.db,
    modelsDir: join(deps.dataDir, 'models'),
    speechDir: join(deps.dataDir, 'speech'),
    catalog: deps.catalog,
    settings,
    now: clock.now,
    newId: deps.newId,
    onDefaultChat: (model) => {
      if (!deps.modelPath) local.useModel(model?.path ?? null);
    },
  });
  const generator = createGenerator({ bus, local, remote, models, monotonic: clock.monotonic });
  return { local, remote, models, generator };
}

function health(local: LocalTiers): EngineHealth {
  const s = local.status();
  const state =
    s.state === 'error'
      ? 'error'
      : s.state === 'degraded' || s.state === 'no-model'
        ? 'degraded'
        : 'ok';
  return { state, detail: s.error?.message ?? `${s.state}${s.model ? ` (${s.model})` : ''}` };
}

export function createRouterEngine(deps: RouterDeps) {
  const { bus } = deps;
  const disposables = new DisposableSet();
  const parts = createParts(deps);
  const { local, remote, models } = parts;
  const { clock, maxTokens, temperature } = deps;
  const handlers = {
    ...routerHandlers({ bus, ...parts, clock, maxTokens, temperature }),
    ...modelHandlers(bus, models),
  } satisfies HandlersFor<'router'> & HandlersFor<'models'>;

  const engine = {
    start(): void {
      disposables.add(bus.handleAll(handlers));
      local.useModel(deps.modelPath ?? models.defaultChat()?.path ?? null);
      disposables.add(local);
    },
    dispose: () => {
      for (const d of models.list().downloads) models.cancel(d.id);
      disposables.dispose();
    },
    status: () => local.status(),
    /** The speech pack folders the user added from disk, where they keep them. */
    importedSpeechPacks: (): string[] =>
      models
        .installed()
        .filter((m) => m.purpose === 'speech' && m.source === 'import')
        .map((m) => m.path),
    /** Executors the composition root registers into L5. */
    executors: (): Executors => ({
      'models.download': models.downloadExecutor,
      'models.import': models.importExecutor,
      'router.remote': remote.executor,
      'router.remote_with_private': remote.executor,
      'router.configure': remote.configure.executor,
    }),
    health: () => health(local),
  } satisfies Engine & Record<string, unknown>;
  return engine;
}

export type RouterEngine = ReturnType<typeof createRouterEngine>;
