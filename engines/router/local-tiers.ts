// The model processes on this machine: the main chat model, a small one for quick replies, and
// the embedding model. Each is swapped as a whole (a MutableDisposable releases the old process).
import { basename } from 'node:path';
import {
  MutableDisposable,
  type Bus,
  type ErrorInfo,
  type InstalledModel,
  type RouterStatus,
} from '../bus/index.ts';
import { LocalProvider, type ProviderState } from './local/local-provider.ts';
import type { SpawnWorker } from './local/protocol.ts';

export type LocalDeps = {
  bus: Bus;
  spawnWorker: SpawnWorker;
  threads: number;
  contextSize?: number;
  gpu?: 'auto' | 'off';
  monotonic: () => number;
};

type Tiers = {
  deps: LocalDeps;
  main: MutableDisposable<LocalProvider>;
  small: MutableDisposable<LocalProvider>;
  embedder: MutableDisposable<LocalProvider>;
  paths: { main: string | null; small: string | null; embedder: string | null };
  status: RouterStatus;
};

const make = (
  deps: LocalDeps,
  modelPath: string,
  extra: Partial<ConstructorParameters<typeof LocalProvider>[0]> = {},
) =>
  new LocalProvider({
    spawnWorker: deps.spawnWorker,
    modelPath,
    threads: deps.threads,
    contextSize: deps.contextSize ?? 4096,
    gpu: deps.gpu ?? 'auto',
    monotonic: deps.monotonic,
    ...extra,
  });

function setStatus(t: Tiers, next: Partial<RouterStatus>): void {
  t.status = { ...t.status, ...next };
  t.deps.bus.emit('router.status_changed', t.status, { source: 'router' });
}

/** Switches the main model: the old process goes, the new model loads in the background. */
function useModel(t: Tiers, path: string | null): void {
  t.main.set(null);
  t.paths.main = path;
  if (!path) return setStatus(t, { state: 'no-model', model: null, error: null });
  const next: LocalProvider = make(t.deps, path, {
    onStateChange: (state: ProviderState, error: ErrorInfo | null) => {
      if (t.main.value !== next) return; // a model switched away from
      const working = state === 'ready' || state === 'generating';
      setStatus(t, { state, error: working ? null : (error ?? t.status.error) });
    },
  });
  t.main.set(next);
  setStatus(t, { state: 'loading', model: basename(path), error: null });
  next.load().catch(() => {
    /* reported through status */
  });
}

/** The small chat model, started on first use; none without one, or when it is the main model. */
function smallFor(t: Tiers, model: InstalledModel | null): LocalProvider | null {
  if (!model || model.path === t.paths.main) {
    t.paths.small = null;
    return t.small.set(null);
  }
  if (!t.small.value || t.paths.small !== model.path) {
    t.paths.small = model.path;
    t.small.set(make(t.deps, model.path));
  }
  return t.small.value;
}

/** The embedding model's process, started on the first request. */
function embedderFor(t: Tiers, model: InstalledModel): LocalProvider {
  if (!t.embedder.value || t.paths.embedder !== model.path) {
    t.paths.embedder = model.path;
    t.embedder.set(make(t.deps, model.path, { contextSize: 2048, purpose: 'embedding' }));
  }
  return t.embedder.value!;
}

export function createLocalTiers(deps: LocalDeps) {
  const t: Tiers = {
    deps,
    main: new MutableDisposable<LocalProvider>(),
    small: new MutableDisposable<LocalProvider>(),
    embedder: new MutableDisposable<LocalProvider>(),
    paths: { main: null, small: null, embedder: null },
    status: {
      state: 'no-model',
      provider: 'local',
      model: null,
      threads: deps.threads,
      error: null,
    },
  };
  return {
    useModel: (path: string | null) => useModel(t, path),
    smallFor: (model: InstalledModel | null) => smallFor(t, model),
    embedderFor: (model: InstalledModel) => embedderFor(t, model),
    main: () => t.main.value,
    smallName: () => (t.paths.small ? basename(t.paths.small) : null),
    status: () => t.status,
    dispose(): void {
      t.main.dispose();
      t.small.dispose();
      t.embedder.dispose();
    },
  };
}

export type LocalTiers = ReturnType<typeof createLocalTiers>;
