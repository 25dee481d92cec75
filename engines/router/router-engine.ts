// L4 router: decides where a turn's generation runs. For now there is one tier, the local
// model in its own process; remote providers and the agent loop arrive with the router issue.
import { basename } from 'node:path';
import { AetherError, DisposableSet, type Bus, type EngineHealth, type ErrorInfo, type RouterStatus } from '../bus/index.ts';
import { LocalProvider, type ProviderState } from './local/local-provider.ts';
import type { SpawnWorker } from './local/protocol.ts';

export type RouterDeps = {
  bus: Bus;
  spawnWorker: SpawnWorker;
  modelPath: string | null;
  threads: number;
  contextSize?: number;
  gpu?: 'auto' | 'off';
  /** Monotonic ms. */
  now: () => number;
  maxTokens?: number;
  temperature?: number;
};

export const NO_MODEL_MESSAGE =
  'No model is installed, so I cannot answer yet. Add a GGUF model: start Aether with ' +
  '`npm run serve -- --model /path/to/model.gguf` (or set AETHER_MODEL=/path/to/model.gguf). ' +
  'To try Aether without downloading anything, generate a small test model with ' +
  '`npm run make-test-model -- --preset tiny --type q8_0 --out tiny.gguf`.';

export function createRouterEngine(deps: RouterDeps) {
  const { bus } = deps;
  const disposables = new DisposableSet();
  let status: RouterStatus = {
    state: deps.modelPath ? 'loading' : 'no-model', provider: 'local', model: deps.modelPath ? basename(deps.modelPath) : null, threads: deps.threads, error: null,
  };

  function setStatus(next: Partial<RouterStatus>): void {
    status = { ...status, ...next };
    bus.emit('router.status_changed', status, { source: 'router' });
  }

  const provider = deps.modelPath
    ? new LocalProvider({
      spawnWorker: deps.spawnWorker, modelPath: deps.modelPath, threads: deps.threads,
      contextSize: deps.contextSize ?? 4096, gpu: deps.gpu ?? 'auto', now: deps.now,
      onStateChange: (state: ProviderState, error: ErrorInfo | null) =>
        setStatus({ state, error: state === 'ready' || state === 'generating' ? null : error ?? status.error, model: provider?.model ?? status.model }),
    })
    : null;

  function registerCommands(): void {
    disposables.add(bus.handle('router.generate', async (input, ctx) => {
      if (!provider) throw new AetherError('ModelNotInstalled', NO_MODEL_MESSAGE);
      const { turnId } = input;
      const meta = { source: 'router' as const, changeId: ctx.changeId, turnId };
      // Time to first token is measured from the request, so it includes any wait for the model.
      const startedAt = deps.now();
      let ttftMs: number | null = null;
      const model = await provider.load();
      bus.emit('router.generation_started', { turnId, model }, meta);
      const result = await provider.generate(
        { id: turnId, messages: input.messages, maxTokens: input.maxTokens ?? deps.maxTokens ?? 512, temperature: input.temperature ?? deps.temperature ?? 0.7 },
        (text, index) => {
          if (index === 0) {
            ttftMs = deps.now() - startedAt;
            bus.emit('router.first_token', { turnId, ttftMs }, meta);
          }
          bus.emit('router.token', { turnId, text, index }, meta);
        },
      );
      return { ...result, ttftMs, model };
    }));
    disposables.add(bus.handle('router.cancel', (input) => ({ cancelled: provider?.cancel(input.turnId) ?? false })));
    disposables.add(bus.handle('router.get_status', () => status));
  }

  return {
    start(): void {
      registerCommands();
      // Load in the background so the first message does not wait for it.
      if (provider) provider.load().catch(() => { /* reported through status */ });
      disposables.addFn(() => provider?.dispose());
    },
    dispose: () => disposables.dispose(),
    status: () => status,
    health(): EngineHealth {
      const state = status.state === 'error' ? 'error' : status.state === 'degraded' || status.state === 'no-model' ? 'degraded' : 'ok';
      return { state, detail: status.error?.message ?? `${status.state}${status.model ? ` (${status.model})` : ''}` };
    },
  };
}

export type RouterEngine = ReturnType<typeof createRouterEngine>;
