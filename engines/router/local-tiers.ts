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

export function createLocalTiers(deps: LocalDeps) {
  const main = new MutableDisposable<LocalProvider>();
  const small = new MutableDisposable<LocalProvider>();
  const embedder = new MutableDisposable<LocalProvider>();
  const paths = {
    main: null as string | null,
    small: null as string | null,
    embedder: null as string | null,
  };
  let status: RouterStatus = {
    state: 'no-model',
    provider: 'local',
    model: null,
    threads: deps.threads,
    error: null,
  };
  const make = (
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

  function setStatus(next: Partial<RouterStatus>): void {
    status = { ...status, ...next };
    deps.bus.emit('router.status_changed', status, { source: 'router' });
  }

  /** Switches the main model: the old process goes, the new model loads in the background. */
  function useModel(path: string | null): void {
    main.set(null);
    paths.main = path;
    if (!path) return setStatus({ state: 'no-model', model: null, error: null });
    const next: LocalProvider = make(path, {
      onStateChange: (state: ProviderState, error: ErrorInfo | null) => {
        if (main.value !== next) return; // a model switched away from
        setStatus({
          state,
          error: state === 'ready' || state === 'generating' ? null : (error ?? status.error),
        });
      },
    });
    main.set(next);
    setStatus({ state: 'loading', model: basename(path), error: null });
    next.load().catch(() => {
      /* reported through status */
    });
  }

  /** The small chat model, started on first use; none without one, or when it is the main model. */
  function smallFor(model: InstalledModel | null): LocalProvider | null {
    if (!model || model.path === paths.main) {
      paths.small = null;
      return small.set(null);
    }
    if (!small.value || paths.small !== model.path) {
      paths.small = model.path;
      small.set(make(model.path));
    }
    return small.value;
  }

  /** The embedding model's process, started on the first request. */
  function embedderFor(model: InstalledModel): LocalProvider {
    if (!embedder.value || paths.embedder !== model.path) {
      paths.embedder = model.path;
      embedder.set(make(model.path, { contextSize: 2048, purpose: 'embedding' }));
    }
    return embedder.value!;
  }

  return {
    useModel,
    smallFor,
    embedderFor,
    main: () => main.value,
    smallName: () => (paths.small ? basename(paths.small) : null),
    status: () => status,
    dispose(): void {
      main.dispose();
      small.dispose();
      embedder.dispose();
    },
  };
}

export type LocalTiers = ReturnType<typeof createLocalTiers>;
