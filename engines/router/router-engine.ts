// L4 router: where a turn's generation runs, and which models there are. For now one tier, the
// local model in its own process; remote providers, routing and the agent loop come next.
import { basename, join } from 'node:path';
import {
  AetherError,
  DisposableSet,
  type Bus,
  type CatalogEntry,
  type ChatMessage,
  type EngineHealth,
  type ErrorInfo,
  type GenerationResult,
  type RouterStatus,
  type Executors,
} from '../bus/index.ts';
import { runAgent } from './agent/agent-loop.ts';
import {
  callerToolInstructions,
  holdToolCalls,
  parseCallerCall,
  type CallerTool,
} from './agent/tool-protocol.ts';
import type { Db } from '../storage/index.ts';
import { LocalProvider, type ProviderState } from './local/local-provider.ts';
import type { SpawnWorker } from './local/protocol.ts';
import { classify } from './intent.ts';
import { ModelManager } from './models/model-manager.ts';
import { createRemoteTier } from './remote/remote-tier.ts';

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
  /** Monotonic ms. */
  now: () => number;
  maxTokens?: number;
  temperature?: number;
};

export const NO_MODEL_MESSAGE =
  'No model is installed, so I cannot answer yet. Open the Models tab to download one, or start Aether with ' +
  '`npm run serve -- --model /path/to/model.gguf` (or set AETHER_MODEL=/path/to/model.gguf). ' +
  'To try Aether without downloading anything, generate a small test model with ' +
  '`npm run make-test-model -- --preset tiny --type q8_0 --out tiny.gguf`.';

export function createRouterEngine(deps: RouterDeps) {
  const { bus } = deps;
  const disposables = new DisposableSet();
  let provider: LocalProvider | null = null;
  let mainPath: string | null = null;
  // A small chat model for quick replies, in a process of its own, started on first use.
  let small: LocalProvider | null = null;
  let smallPath: string | null = null;
  function smallProvider(): LocalProvider | null {
    const model = models.smallChat();
    // No small tier without a small model, or when it is the main model itself.
    if (!model || model.path === mainPath) {
      small?.dispose();
      small = null;
      smallPath = null;
      return null;
    }
    if (!small || smallPath !== model.path) {
      small?.dispose();
      smallPath = model.path;
      small = new LocalProvider({
        spawnWorker: deps.spawnWorker,
        modelPath: model.path,
        threads: deps.threads,
        contextSize: deps.contextSize ?? 4096,
        gpu: deps.gpu ?? 'auto',
        now: deps.now,
      });
    }
    return small;
  }
  // The embedding model runs in a process of its own, started on the first request.
  let embedder: LocalProvider | null = null;
  let embedderPath: string | null = null;
  let status: RouterStatus = {
    state: 'no-model',
    provider: 'local',
    model: null,
    threads: deps.threads,
    error: null,
  };

  function setStatus(next: Partial<RouterStatus>): void {
    status = { ...status, ...next };
    bus.emit('router.status_changed', status, { source: 'router' });
  }

  /** Switches the local model: the old process goes, the new model loads in the background. */
  function useModel(path: string | null): void {
    provider?.dispose();
    provider = null;
    mainPath = path;
    if (!path) {
      setStatus({ state: 'no-model', model: null, error: null });
      return;
    }
    const next: LocalProvider = new LocalProvider({
      spawnWorker: deps.spawnWorker,
      modelPath: path,
      threads: deps.threads,
      contextSize: deps.contextSize ?? 4096,
      gpu: deps.gpu ?? 'auto',
      now: deps.now,
      onStateChange: (state: ProviderState, error: ErrorInfo | null) => {
        if (provider !== next) return; // a model switched away from
        setStatus({
          state,
          error: state === 'ready' || state === 'generating' ? null : (error ?? status.error),
        });
      },
    });
    provider = next;
    setStatus({ state: 'loading', model: basename(path), error: null });
    next.load().catch(() => {
      /* reported through status */
    });
  }

  const remote = createRemoteTier({
    bus,
    settings: deps.settings,
    secrets: deps.secrets,
    now: Date.now,
  });

  const models = new ModelManager({
    bus,
    db: deps.db,
    modelsDir: join(deps.dataDir, 'models'),
    catalog: deps.catalog,
    settings: deps.settings,
    now: Date.now,
    onDefaultChat: (model) => {
      if (!deps.modelPath) useModel(model?.path ?? null);
    },
  });

  /** One generation through the tiers, in order of preference, falling back when one is refused or fails. */
  async function generateOnce(
    turnId: string,
    messages: ChatMessage[],
    options: {
      maxTokens: number;
      temperature: number;
      jsonSchema?: Record<string, unknown>;
      quick?: boolean;
      viaApi?: boolean;
      hints?: {
        prefer: 'local' | 'remote' | null;
        latencyBudgetMs: number | null;
        privacyPosture?: 'strict' | 'balanced' | 'open';
      };
    },
    onToken: (text: string) => void,
    changeId: string,
  ): Promise<GenerationResult> {
    const meta = { source: 'router' as const, changeId, turnId };
    const small = smallProvider();
    // Precedence: the user's own setting, then the persona's preference, then local.
    const userPrefers = remote.view().baseUrl ? remote.prefer() : null;
    const prefer = remote.userChosePreference()
      ? userPrefers
      : (options.hints?.prefer ?? userPrefers ?? 'local');
    // A tight latency budget passes over a remote provider that has been failing (its retries
    // alone would use the budget up).
    const tight =
      (options.hints?.latencyBudgetMs ?? Infinity) < 1500 && remote.view().breaker !== 'closed';
    // A strict persona keeps replies here; only the user's own choice of a remote model overrides it.
    const strict =
      options.hints?.privacyPosture === 'strict' &&
      !(remote.userChosePreference() && userPrefers === 'remote');
    const order =
      prefer === 'remote' && !tight && !strict
        ? (['remote', 'local'] as const)
        : (['local', 'remote'] as const);
    const tiers = [...(options.quick && small ? (['local-small'] as const) : []), ...order].filter(
      (t) =>
        t === 'local' ? provider !== null : t === 'remote' ? remote.available() && !strict : true,
    );
    let why =
      options.quick && small
        ? 'a short message: the small model answers faster'
        : strict
          ? 'the persona keeps replies on this machine'
          : tight && prefer === 'remote'
            ? 'the remote model has been failing and the reply should start soon'
            : prefer === 'remote'
              ? remote.userChosePreference()
                ? 'you prefer the remote model'
                : 'the persona prefers the remote model'
              : 'replies stay on this machine by default';
    let lastError: AetherError | null = null;
    for (const [i, tier] of tiers.entries()) {
      const fallbacks = [...tiers.slice(i + 1)];
      const started = deps.now();
      if (tier === 'local' || tier === 'local-small') {
        const local = tier === 'local' ? provider! : small!;
        bus.emit(
          'router.route_decided',
          {
            turnId,
            tier,
            provider: 'local',
            model: tier === 'local' ? status.model : basename(smallPath!),
            rationale: why,
            fallbacks,
          },
          meta,
        );
        const model = await local.load();
        bus.emit('router.generation_started', { turnId, model }, meta);
        const r = await local.generate({ id: turnId, messages, ...options }, (text) =>
          onToken(text),
        );
        return { ...r, model };
      }
      const view = remote.view();
      bus.emit(
        'router.route_decided',
        {
          turnId,
          tier,
          provider: new URL(view.baseUrl!).host,
          model: view.model,
          rationale: why,
          fallbacks,
        },
        meta,
      );
      bus.emit('router.generation_started', { turnId, model: view.model! }, meta);
      const r = await remote.generate({ turnId, messages, ...options }, onToken, changeId);
      if (r.ok) {
        const ms = deps.now() - started;
        return {
          text: r.text,
          stopReason: r.stopReason,
          model: r.model,
          tokens: r.tokens,
          promptTokens: r.promptTokens,
          ttftMs: null,
          tokensPerSecond: r.tokens > 1 && ms > 0 ? (r.tokens * 1000) / ms : null,
        };
      }
      why = `the remote model was not used: ${r.reason}`;
      lastError = new AetherError(
        'RemoteUnavailable',
        `The remote model was not used: ${r.reason}`,
      );
    }
    throw lastError ?? new AetherError('ModelNotInstalled', NO_MODEL_MESSAGE);
  }

  /** Engine work (memory extraction, session summaries): this machine's model only, silent, and
   *  the first to give way: a turn that starts cancels it, so it never delays a reply. */
  let reflexCount = 0;
  const backgroundRuns = new Map<string, { cancelled: boolean }>();
  async function runBackground(input: {
    turnId: string;
    messages: ChatMessage[];
    maxTokens?: number;
    temperature?: number;
    jsonSchema?: Record<string, unknown>;
  }): Promise<GenerationResult> {
    if (!provider) throw new AetherError('ModelNotInstalled', NO_MODEL_MESSAGE);
    const run = { cancelled: false };
    backgroundRuns.set(input.turnId, run);
    try {
      const model = await provider.load();
      // A turn may have started while the model loaded.
      if (run.cancelled)
        return {
          text: '',
          stopReason: 'cancelled',
          model,
          tokens: 0,
          promptTokens: 0,
          ttftMs: null,
          tokensPerSecond: null,
        };
      const r = await provider.generate(
        {
          id: input.turnId,
          messages: input.messages,
          maxTokens: input.maxTokens ?? 256,
          temperature: input.temperature ?? 0,
          jsonSchema: input.jsonSchema,
        },
        () => {},
      );
      return { ...r, model, ttftMs: null };
    } finally {
      backgroundRuns.delete(input.turnId);
    }
  }

  /** API clients' own tools: the model may propose a call, which goes back to the caller to run. */
  async function passThrough(
    tools: CallerTool[],
    messages: ChatMessage[],
    once: (m: ChatMessage[], sink: (t: string) => void) => Promise<GenerationResult>,
    onToken: (t: string) => void,
  ): Promise<GenerationResult> {
    const doc = callerToolInstructions(tools);
    const [first, ...rest] = messages;
    const prompt: ChatMessage[] =
      first?.role === 'system'
        ? [{ ...first, text: `${first.text}\n\n${doc}` }, ...rest]
        : [{ role: 'system', text: doc }, ...messages];
    const stream = holdToolCalls(onToken);
    const result = await once(prompt, stream.push);
    const call = parseCallerCall(result.text, tools);
    if (!call) {
      stream.release();
      return result;
    }
    return {
      ...result,
      text: '',
      toolCalls: [{ id: `call_${Math.random().toString(36).slice(2, 10)}`, ...call }],
    };
  }

  function registerCommands(): void {
    disposables.add(
      bus.handle('router.generate', async (input, ctx) => {
        const { turnId } = input;
        if (input.background) return runBackground(input);
        for (const [id, run] of backgroundRuns) {
          run.cancelled = true;
          provider?.cancel(id);
        }
        const meta = { source: 'router' as const, changeId: ctx.changeId, turnId };
        // Time to first token is measured from the request, so it includes any wait for the model
        // (and, in the agent loop, for tools): it is the time until the user sees words.
        const startedAt = deps.now();
        let ttftMs: number | null = null;
        let visible = 0;
        const onToken = (text: string) => {
          if (visible === 0) {
            ttftMs = deps.now() - startedAt;
            bus.emit('router.first_token', { turnId, ttftMs }, meta);
          }
          bus.emit('router.token', { turnId, text, index: visible++ }, meta);
        };
        const options = {
          maxTokens: input.maxTokens ?? deps.maxTokens ?? 512,
          temperature: input.temperature ?? deps.temperature ?? 0.7,
          jsonSchema: input.jsonSchema,
        };
        let quick = false;
        const hints = input.route;
        const viaApi = ctx.origin === 'api';
        const once = (messages: ChatMessage[], sink: (text: string) => void) =>
          generateOnce(turnId, messages, { ...options, quick, hints, viaApi }, sink, ctx.changeId);
        if (input.tools?.length)
          return { ...(await passThrough(input.tools, input.messages, once, onToken)), ttftMs };
        const lastUser = [...input.messages].reverse().find((m) => m.role === 'user')?.text ?? '';
        const intent = classify(
          lastUser,
          new Date(),
          input.phrases && { ...input.phrases, turn: reflexCount },
        );
        if (intent.kind === 'reflex') reflexCount++;
        // The companion's own turns may be answered by reflex (no model, well under 100 ms).
        if (input.agent && intent.kind === 'reflex') {
          const note =
            provider || remote.available()
              ? ''
              : ' (No model is installed yet: open the Models tab to add one.)';
          bus.emit(
            'router.route_decided',
            {
              turnId,
              tier: 'reflex',
              provider: 'aether',
              model: null,
              rationale: 'needs no model',
              fallbacks: [],
            },
            meta,
          );
          onToken(intent.reply + note);
          return {
            text: intent.reply + note,
            stopReason: 'end' as const,
            model: 'reflex',
            tokens: 0,
            promptTokens: 0,
            ttftMs,
            tokensPerSecond: null,
          };
        }
        quick = intent.kind === 'quick';
        const result = input.agent
          ? await runAgent(
              {
                bus,
                turnId,
                changeId: ctx.changeId,
                actor: input.agent.actor,
                maxSteps: input.agent.maxSteps,
                generate: once,
                onToken,
              },
              input.messages,
            )
          : await once(input.messages, onToken);
        return { ...result, ttftMs };
      }),
    );
    disposables.add(
      bus.handle('router.embed', async (input) => {
        const model = models.defaultEmbedding();
        if (!model)
          throw new AetherError(
            'ModelNotInstalled',
            'No embedding model is installed; memory search uses words only until one is.',
          );
        if (!embedder || embedderPath !== model.path) {
          embedder?.dispose();
          embedderPath = model.path;
          embedder = new LocalProvider({
            spawnWorker: deps.spawnWorker,
            modelPath: model.path,
            threads: deps.threads,
            contextSize: 2048,
            gpu: deps.gpu ?? 'auto',
            now: deps.now,
            purpose: 'embedding',
          });
        }
        const vectors = await embedder.embed(input.texts);
        return { model: model.name, dims: vectors[0]?.length ?? 0, vectors };
      }),
    );
    disposables.add(
      bus.handle('router.cancel', (input) => ({
        cancelled: remote.cancel(input.turnId) || (provider?.cancel(input.turnId) ?? false),
      })),
    );
    disposables.add(bus.handle('router.get_status', () => status));
    disposables.add(bus.handle('router.get_remote', () => remote.view()));
    // Where replies may be sent is L5's to allow: a new server or key is a router.configure action.
    disposables.add(
      bus.handle('router.set_remote', async (input, ctx) => {
        const outcome = await bus.invoke(
          'policy.perform',
          {
            capability: 'router.configure',
            ...remote.configure.request(input),
            actor: 'user',
            why: `send replies to ${input.model} at ${input.baseUrl} when allowed`,
          },
          { changeId: ctx.changeId },
        );
        if (outcome.status !== 'done')
          throw new AetherError('PolicyDenied', outcome.error?.message ?? outcome.explanation);
        return remote.view();
      }),
    );
    disposables.add(bus.handle('models.list', () => models.list()));
    disposables.add(
      bus.handle('models.download', async (input, ctx) => {
        const entry = models.entry(input.catalogId);
        const size = `${(entry.sizeBytes / 1e9).toFixed(2)} GB`;
        const outcome = await bus.invoke(
          'policy.perform',
          {
            capability: 'models.download',
            target: entry.url,
            actor: 'user',
            why: `download ${entry.name} (${size}, ${entry.licence})`,
          },
          { changeId: ctx.changeId },
        );
        return outcome.status === 'done'
          ? { started: true, reason: null }
          : { started: false, reason: outcome.error?.message ?? outcome.explanation };
      }),
    );
    disposables.add(
      bus.handle('models.cancel_download', (input, ctx) => {
        ctx.note?.({ resource: input.catalogId });
        return { cancelled: models.cancel(input.catalogId) };
      }),
    );
    disposables.add(
      bus.handle('models.import', async (input, ctx) => {
        const outcome = await bus.invoke(
          'policy.perform',
          {
            capability: 'models.import',
            target: input.path,
            actor: 'user',
            why: 'use this model file',
          },
          { changeId: ctx.changeId },
        );
        if (outcome.status !== 'done')
          return { model: null, reason: outcome.error?.message ?? outcome.explanation };
        return { model: models.get((outcome.result as { output: string }).output), reason: null };
      }),
    );
    // Audited: the bus writes the row in the same transaction; files and model loads wait for the commit.
    disposables.add(
      bus.handle('models.remove', (input, ctx) => {
        ctx.note?.({ resource: input.id });
        return { removed: models.remove(input.id, ctx.afterCommit) };
      }),
    );
    disposables.add(
      bus.handle('models.set_default', (input, ctx) => {
        ctx.note?.({ resource: input.id, details: { role: 'default' } });
        return { model: models.setDefault(input.id, ctx.afterCommit) };
      }),
    );
    disposables.add(
      bus.handle('models.set_small', (input, ctx) => {
        ctx.note?.({ resource: input.id ?? 'none', details: { role: 'small' } });
        return { model: models.setSmall(input.id) };
      }),
    );
  }

  return {
    start(): void {
      registerCommands();
      useModel(deps.modelPath ?? models.defaultChat()?.path ?? null);
      disposables.addFn(() => {
        provider?.dispose();
        provider = null;
        embedder?.dispose();
        embedder = null;
        small?.dispose();
        small = null;
      });
    },
    dispose: () => {
      for (const d of models.list().downloads) models.cancel(d.id);
      disposables.dispose();
    },
    status: () => status,
    /** Executors the composition root registers into L5. */
    executors: (): Executors => ({
      'models.download': models.downloadExecutor,
      'models.import': models.importExecutor,
      'router.remote': remote.executor,
      'router.remote_with_private': remote.executor,
      'router.configure': remote.configure.executor,
    }),
    health(): EngineHealth {
      const state =
        status.state === 'error'
          ? 'error'
          : status.state === 'degraded' || status.state === 'no-model'
            ? 'degraded'
            : 'ok';
      return {
        state,
        detail:
          status.error?.message ?? `${status.state}${status.model ? ` (${status.model})` : ''}`,
      };
    },
  };
}

export type RouterEngine = ReturnType<typeof createRouterEngine>;
